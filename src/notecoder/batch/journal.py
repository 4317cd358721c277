"""The journal: one JSON line per finished row, appended and flushed as rows finish.

It lives beside the output (`OUT.journal.jsonl`) until the batch is complete; only then is the output written,
to a temporary file renamed into place. A kill at any moment leaves either no output or a complete one, and a
journal from which `--resume` carries on: a half-written last line is cut off, finished rows are skipped.

A resumed run must be the same run: `OUT.journal.run.json` records the options that shape the records, and each
line the SHA-256 of its note's text (kept in the output: a report checks the text it shows against it). A row is
done when its row number and id are in the journal with the same text; a note whose text changed is coded again.

A write that fails (a full disk) is a WriteFailed: the lines before it stay, a line it cut short is dropped by the
next `--resume`, which codes that row again."""

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

from notecoder.batch.paths import WriteFailed, private_open
from notecoder.batch.sources import SourceError

TEXT_HASH = "sha256"
FHIR_CONTEXT = "fhir"
"""A record's key for what its FHIR DocumentReference said of the note (subject, encounter, date, identifier): the
FHIR the batch writes keeps it."""


def journal_path(output: Path) -> Path:
    return output.with_name(output.name + ".journal.jsonl")


def run_path(journal: Path) -> Path:
    return journal.with_name(journal.name.removesuffix(".jsonl") + ".run.json")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Journal:
    def __init__(self, path: Path, resume: bool, run: dict | None = None) -> None:
        self.path = path
        self.done: dict[tuple[int, str], str | None] = {}
        """(row, id) of each row an interrupted run finished, with the hash of the text it was coded from (None for
        a row that could not be read)."""
        run = run or {}
        if resume and path.exists():
            self._check_run(run)
            self._recover()
        elif path.exists():
            path.unlink()
        try:
            if not (resume and run_path(path).exists()):
                with private_open(run_path(path), "w") as handle:
                    json.dump(run, handle, sort_keys=True)
            self._handle = private_open(path, "a")
        except OSError as error:
            raise self._failed(error) from None

    def _failed(self, error: OSError) -> WriteFailed:
        return WriteFailed(f"{self.path.name} cannot be written ({error.strerror or type(error).__name__})")

    def _check_run(self, run: dict) -> None:
        try:
            before = json.loads(run_path(self.path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise SourceError(
                f"{self.path.name} does not say which options its run used: run again without --resume"
            ) from None
        changed = sorted(k for k in run.keys() | before.keys() if run.get(k) != before.get(k))
        if changed:
            raise SourceError(
                f"--resume with other options than the interrupted run ({', '.join(changed)}): the output would mix "
                "two runs; use the same options, or run without --resume"
            )

    def _recover(self) -> None:
        """Keep the complete lines of an interrupted run; drop a last line the kill cut short."""
        with self.path.open("rb") as handle:
            data = handle.read()
        complete = data[: data.rfind(b"\n") + 1]
        if len(complete) != len(data):
            with self.path.open("r+b") as handle:
                handle.truncate(len(complete))
        for line in complete.splitlines():
            record = json.loads(line)
            self.done[(record["row"], record["id"])] = record.get(TEXT_HASH)

    def write(self, line: str) -> None:
        try:
            self._handle.write(line + "\n")
            self._handle.flush()  # in the kernel's hands: a killed process loses nothing it wrote
        except OSError as error:
            raise self._failed(error) from None

    def close(self) -> None:
        """Flush to the disk and close; the file is closed even when the disk is full (then a WriteFailed)."""
        try:
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as error:
            raise self._failed(error) from None
        finally:
            with suppress(OSError):  # a failed flush is the error to report, not the close that repeats it
                self._handle.close()

    def remove(self) -> None:
        self.path.unlink()
        run_path(self.path).unlink(missing_ok=True)

    def records(self, rows: set[tuple[int, str]] | None = None) -> Iterator[dict]:
        """The finished records, each row once (a note coded again after its text changed: the last); with `rows`
        (a resumed run), only those rows: it drops rows no longer in the input. A fresh run writes each row once,
        so only a resumed one needs the first pass that finds each row's last record."""
        if rows is None:
            with self.path.open(encoding="utf-8") as handle:
                yield from map(json.loads, handle)
            return
        last: dict[tuple[int, str], int] = {}
        with self.path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                record = json.loads(line)
                last[(record["row"], record["id"])] = number
        with self.path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                record = json.loads(line)
                key = (record["row"], record["id"])
                if last[key] == number and key in rows:
                    yield record
