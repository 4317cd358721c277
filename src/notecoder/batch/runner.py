"""Batch coding of note exports: streaming, parallel, resumable, and nothing lost.

Every row ends as one record in the journal: the note's result, or an error that names the row and the failure
but never the note's text. Workers are separate processes that each build the pipeline once and send back plain
JSON-ready records (spaCy's own `n_process` cannot carry medSpaCy's Doc extensions)."""

import json
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from notecoder.batch.budget import DEFAULT_SECONDS, NoteTimeout, time_budget
from notecoder.batch.journal import FHIR_CONTEXT, TEXT_HASH, Journal, journal_path, text_hash
from notecoder.batch.outputs import detect_output_format, publish
from notecoder.batch.paths import check_output, output_lock
from notecoder.batch.sources import NoteRow, RowError, count_rows, read_notes
from notecoder.result import NoteResult, Setting

if TYPE_CHECKING:
    from notecoder.batch.claims import ClaimColumns
    from notecoder.extraction import Coder  # spaCy: imported by a worker, not by the batch's writer

_IN_FLIGHT_PER_PROCESS = 192  # rows handed to workers ahead of the writer: bounds memory whatever the input size
_CHUNK = 48  # rows per message to a worker: the writer shares the cores (at 4 it took twice the CPU it takes now)


@dataclass
class BatchSummary:
    """The whole output (after `--resume`, the rows carried over too), counted as it is written; the speed is this
    run's."""

    notes: int = 0
    ok: int = 0
    errors: int = 0
    resumed: int = 0
    """Rows an interrupted run had finished, carried over by --resume."""
    coded: int = 0
    """Rows coded by this run."""
    codes: int = 0
    notes_with_codes: int = 0
    alternatives: int = 0
    gaps: int = 0
    seconds: float = 0.0
    """From the first finished row to the last: throughput without the workers' start-up."""
    startup_seconds: float = 0.0
    """From the start until the first row was finished: processes spawned, pipelines built."""
    error_types: dict[str, int] = field(default_factory=dict)
    peak_rss_mb: dict[int, float] = field(default_factory=dict)
    """Peak resident memory of each process that extracted notes, by pid."""

    @property
    def notes_per_second(self) -> float:
        return self.coded / self.seconds if self.seconds else 0.0

    def add(self, record: dict) -> None:
        """Count one record of the output."""
        self.notes += 1
        if record["status"] == "ok":
            result = record["result"]
            self.ok += 1
            self.codes += len(result["codes"])
            self.notes_with_codes += bool(result["codes"])
            self.alternatives += len(result["alternatives"])
            self.gaps += len(result["gaps"])
        else:
            self.errors += 1
            kind = record["error"]["type"]
            self.error_types[kind] = self.error_types.get(kind, 0) + 1

    def line(self, output: str) -> str:
        """The summary in one line, for --quiet."""
        return (
            f"{self.notes} notes ({self.ok} ok, {self.errors} failed), {self.codes} codes, "
            f"{self.alternatives} alternatives, {self.gaps} gaps -> {output}"
        )

    def as_dict(self) -> dict:
        """The summary for a pipeline (--summary-json): counts, error types, speed; nothing of the notes."""
        fields = {k: v for k, v in asdict(self).items() if k != "peak_rss_mb"}
        return fields | {
            "notes_per_second": round(self.notes_per_second, 2),
            "peak_rss_mb": max(self.peak_rss_mb.values(), default=0.0),
        }

    def lines(self) -> list[str]:
        out = [
            f"notes: {self.notes} ({self.ok} ok, {self.errors} failed)"
            + (f", {self.resumed} already done before --resume" if self.resumed else ""),
            f"codes: {self.codes} proposed in {self.notes_with_codes} notes; alternatives: {self.alternatives}; "
            f"gaps: {self.gaps}",
            f"speed: {self.notes_per_second:.1f} notes/s over {self.seconds:.1f} s"
            f" (start-up {self.startup_seconds:.1f} s)",
        ]
        if self.error_types:
            out.append("errors: " + ", ".join(f"{k} {v}" for k, v in sorted(self.error_types.items())))
        return out


def _safe_message(error: BaseException, text: str) -> str:
    """The exception's message, unless any stretch of the note's text appears in it."""
    message = str(error)
    window = 12
    if len(message) >= window and any(message[i : i + window] in text for i in range(len(message) - window + 1)):
        return f"{type(error).__name__} while coding the note (message withheld: it quotes the note)"
    return message[:500]


@dataclass(frozen=True)
class CodedRow:
    """A finished row as the journal line the worker wrote, and what the progress bar shows of it."""

    line: str
    codes: int = 0
    error_type: str | None = None
    pid: int = 0
    peak_rss_mb: float = 0.0


def outcome(
    item: NoteRow | RowError,
    setting: str = "outpatient",
    note_timeout: float | None = DEFAULT_SECONDS,
    coder: "Coder | None" = None,
) -> NoteResult | RowError:
    """A row's result, coded by `coder` (the process's default coder when None), or the error that names the row
    and the failure (never the note's text). Never raises."""
    if isinstance(item, RowError):
        return item
    from notecoder.extraction import default_coder

    coder = coder or default_coder()
    coder.pipeline()  # a pipeline rebuilt (after a timeout, or to bound memory) is built here, outside the budget
    try:
        with time_budget(note_timeout):
            return coder.extract(item.text, setting, item.claim)
    except NoteTimeout as error:
        coder.discard()  # the interrupted pipeline may be mid-stage: the next note gets a fresh one
        return RowError(item.row, item.id, "NoteTimeout", f"row {item.row}: {error}; the batch goes on")
    except Exception as error:  # a bug on one note must not stop the batch
        message = f"row {item.row}: {_safe_message(error, item.text)}"
        return RowError(item.row, item.id, type(error).__name__, message)


def code_row(
    item: NoteRow | RowError,
    include_text: bool = False,
    min_confidence: float | None = None,
    setting: str = "outpatient",
    note_timeout: float | None = DEFAULT_SECONDS,
) -> CodedRow:
    """One row's journal line and what the progress bar shows; the note itself only when asked for (PHI), the
    proposals only those at or above `min_confidence` when one is given."""
    result = outcome(item, setting, note_timeout)
    if min_confidence is not None and not isinstance(result, RowError):
        result = result.above(min_confidence)
    if isinstance(result, RowError):
        record = {
            "row": result.row,
            "id": result.id,
            "status": "error",
            "error": {"type": result.type, "message": result.message},
        } | ({TEXT_HASH: text_hash(item.text)} if isinstance(item, NoteRow) else {})
        return CodedRow(json.dumps(record, ensure_ascii=False), error_type=result.type)
    assert isinstance(item, NoteRow)  # outcome() gives back the RowError it was handed
    fields = {"row": item.row, "id": item.id, "status": "ok", TEXT_HASH: text_hash(item.text)}
    fields |= {"text": item.text} if include_text else {}
    fields |= {FHIR_CONTEXT: item.context} if item.context else {}
    head = json.dumps(fields, ensure_ascii=False)[:-1]
    line = f'{head}, "result": {result.model_dump_json()}}}'
    return CodedRow(line, codes=len(result.codes))


def _work(job: tuple[NoteRow | RowError, bool, float | None, str, float | None]) -> CodedRow:
    done = code_row(*job)
    return CodedRow(done.line, done.codes, done.error_type, os.getpid(), _peak_rss_mb())


_STATUS: dict[int, int] = {}  # pid -> its /proc/self/status, kept open: read on every row (a fork gets its own)


def _peak_rss_mb() -> float:
    """The process's peak resident memory since it started. On Linux from VmHWM: getrusage's ru_maxrss survives
    exec, so a spawned worker would report its parent's size when that was larger."""
    try:
        pid = os.getpid()
        if pid not in _STATUS:
            _STATUS.clear()
            _STATUS[pid] = os.open("/proc/self/status", os.O_RDONLY)
        status = os.pread(_STATUS[pid], 4096, 0)
        at = status.index(b"VmHWM:")
        return int(status[at + 6 : status.index(b"kB", at)]) / 1024
    except (OSError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warm_up() -> None:
    """A worker's start: Ctrl-C is the writer's to handle (a terminal sends it to every process of the batch; a
    worker that took it would print its traceback), then the pipeline."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from notecoder.extraction import default_coder

    default_coder().warm()


@contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """While workers are started: they inherit Ctrl-C ignored through exec (before `_warm_up` runs in them)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _gated(items: Iterable, slots: threading.BoundedSemaphore, stop: threading.Event) -> Iterator:
    """Hand out rows while a slot is free; stop when the writer does (the pool joins the thread that runs this)."""
    for item in items:
        while not slots.acquire(timeout=0.1):
            if stop.is_set():
                return
        yield item


def _results(
    items: Iterable[NoteRow | RowError],
    processes: int,
    include_text: bool,
    min_confidence: float | None,
    setting: str,
    note_timeout: float | None,
) -> Iterator[CodedRow]:
    jobs = ((item, include_text, min_confidence, setting, note_timeout) for item in items)
    if processes <= 1:
        _warm_up()
        yield from map(_work, jobs)
        return
    slots = threading.BoundedSemaphore(processes * _IN_FLIGHT_PER_PROCESS)
    stop = threading.Event()
    context = multiprocessing.get_context("spawn")
    with _ctrl_c_ignored():
        pool = context.Pool(processes, initializer=_warm_up)
    with pool:
        try:
            for outcome in pool.imap(_work, _gated(jobs, slots, stop), chunksize=_CHUNK):
                slots.release()
                yield outcome
        finally:
            stop.set()  # Ctrl-C or a failed write: the pool's exit waits for the thread handing out rows


def _not_done(rows, done: dict, seen: set | None, summary: BatchSummary) -> Iterator[NoteRow | RowError]:
    """The rows an interrupted run did not finish: a row is done when its row number and id are in the journal
    and, for a note, with the same text (one edited since is coded again). `seen` collects every row of the
    input, so that rows gone from it are left out of the output."""
    for item in rows:
        key = (item.row, item.id)
        if seen is not None:
            seen.add(key)
        if key in done:
            before = done[key]
            if not (isinstance(item, NoteRow) and before is not None and before != text_hash(item.text)):
                summary.resumed += 1
                continue
        yield item


def run_batch(
    source: Path,
    output: Path,
    *,
    input_format: str | None = None,
    output_format: str | None = None,
    text_col: str | None = None,
    id_col: str | None = None,
    encoding: str = "utf-8",
    processes: int = 1,
    resume: bool = False,
    include_text: bool = False,
    min_confidence: float | None = None,
    setting: str = "outpatient",
    note_timeout: float | None = DEFAULT_SECONDS,
    progress: Callable[[int | None], "ProgressLike"] | None = None,
    claims: "ClaimColumns | None" = None,
) -> BatchSummary:
    """Code every note of `source` into `output`; with `resume`, carry on from an interrupted run's journal.
    `setting` (outpatient or inpatient) applies to every note of the export; a note that takes longer than
    `note_timeout` seconds to code is an error record (None: no budget). `claims`: the columns holding each row's
    procedure codes, date of service and jurisdiction, read into the claim its note is checked against."""
    setting = Setting(setting).value  # a bad setting fails before any row is read
    fmt = output_format or detect_output_format(output)
    check_output(source, output)
    with output_lock(output):
        rows = read_notes(source, input_format, text_col, id_col, encoding, claims.columns() if claims else ())
        if claims is not None:
            rows = map(claims.attach, rows)
        run = {"format": fmt, "include_text": include_text, "min_confidence": min_confidence, "setting": setting,
               "text_col": text_col, "id_col": id_col, "input_format": input_format, "encoding": encoding}  # fmt: skip
        if claims is not None:
            run["claims"] = claims.fingerprint()
        journal = Journal(journal_path(output), resume, run)
        summary = BatchSummary()
        seen: set[tuple[int, str]] | None = set() if resume else None
        pending = _not_done(rows, journal.done, seen, summary)
        total = count_rows(source, input_format) if progress is not None else None
        bar = progress(None if total is None else max(0, total - len(journal.done))) if progress is not None else None
        start = time.perf_counter()
        first: float | None = None
        codes = errors = 0
        try:
            for done in _results(pending, processes, include_text, min_confidence, setting, note_timeout):
                if first is None:
                    first = time.perf_counter()
                    summary.startup_seconds = first - start
                journal.write(done.line)
                summary.coded += 1
                summary.peak_rss_mb[done.pid] = max(summary.peak_rss_mb.get(done.pid, 0.0), done.peak_rss_mb)
                if bar is not None:
                    codes, errors = codes + done.codes, errors + (done.error_type is not None)
                    bar.update(1)
                    bar.set_postfix(codes=codes, errors=errors, refresh=False)
        finally:
            if bar is not None:
                bar.close()
            journal.close()
        summary.seconds = time.perf_counter() - (first or start)
        publish(_counted(journal.records(seen), summary), output, fmt)
        journal.remove()
        return summary


def _counted(records: Iterable[dict], summary: BatchSummary) -> Iterator[dict]:
    for record in records:
        summary.add(record)
        yield record


class ProgressLike:  # the part of tqdm the runner uses
    def update(self, n: int) -> None: ...
    def set_postfix(self, **kwargs) -> None: ...
    def close(self) -> None: ...


def terminal_progress(quiet: bool) -> Callable[[int | None], ProgressLike] | None:
    """A tqdm bar (notes done, notes/s, ETA) on a terminal; nothing when quiet or piped."""
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return lambda total: tqdm(total=total, unit="note", file=sys.stderr, dynamic_ncols=True)
