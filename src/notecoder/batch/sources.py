"""Note exports as a stream of rows: CSV, JSONL, Parquet or a folder of .txt files.

Nothing is read whole: a row that cannot be read (bad bytes, bad JSON, no text, a quote that never closes) becomes a
`RowError` and the stream goes on. Errors name the row and the column (by position where the header may itself be a
note), never the note's text or its id (both PHI). A UTF-8 byte-order mark is not part of the first column's name.

A row without an id of its own is named `#` and its row number (`row_id`): a form no FHIR id takes, so it is never
taken for a real resource, and a real id that happens to be written so never makes it (or is made) a duplicate."""

import csv
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

TEXT_COLUMNS = ("text", "note_text", "note", "transcription", "body", "report_text", "document")
ID_COLUMNS = ("id", "note_id", "noteid", "document_id", "encounter_id", "row_id", "")
FORMATS = ("csv", "jsonl", "parquet", "folder", "fhir-ndjson")


class SourceError(ValueError):
    """The input as a whole cannot be read (missing column, unknown format): the batch cannot start."""


def row_id(row: int) -> str:
    """The id of a row that has none of its own."""
    return f"#{row}"


def has_own_id(item: "NoteRow | RowError") -> bool:
    """Whether the row's id came from the input (the export's id, the file's name), not from its row number."""
    return item.id != row_id(item.row)


@dataclass(frozen=True)
class NoteRow:
    row: int
    id: str
    text: str
    context: dict | None = None
    """What a FHIR DocumentReference said of its note (`fhir_r4.NoteSource.context`: subject, encounter, date,
    identifier), carried to the FHIR the batch writes."""
    cells: dict | None = None
    """The row's other columns asked for (`extra`): the procedure codes, date of service and jurisdiction a claim
    check reads (`batch.claims`)."""
    claim: Any = None
    """The `procedures.claim.Claim` built from `cells`, coded with the note."""


@dataclass(frozen=True)
class RowError:
    row: int
    id: str
    type: str
    message: str


def detect_format(path: Path) -> str:
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "tsv"):
        return "csv"
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix in ("parquet", "pq"):
        return "parquet"
    raise SourceError(f"cannot tell the format of {path.name}: use --input-format (one of {', '.join(FORMATS)})")


def _pick(columns: list[str], asked: str | None, candidates: tuple[str, ...], what: str) -> str | None:
    if asked is not None:
        if asked not in columns:
            # the header may be a first row of notes (a header-less export): its values are never shown
            raise SourceError(f"no {what} column {asked!r} among the {len(columns)} columns of the header")
        return asked
    lowered = {c.strip().lower(): c for c in columns}
    return next((lowered[c] for c in candidates if c in lowered), None)


_SURROGATE = re.compile("[\ud800-\udfff]")  # found in C: a character loop in Python cost 0.13 ms a note


def _decode(raw: bytes | str, encoding: str, row: int, note_id: str) -> str | RowError:
    if isinstance(raw, str):
        if _SURROGATE.search(raw):  # undecodable bytes, or a lone surrogate from JSON
            return RowError(row, note_id, "UnicodeDecodeError", f"row {row}: text is not valid {encoding}")
        return raw
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        return RowError(row, note_id, "UnicodeDecodeError", f"row {row}: byte {error.start} is not valid {encoding}")


def _valid_id(note_id: str, row: int, encoding: str) -> RowError | None:
    if _SURROGATE.search(note_id):  # undecodable bytes or a lone JSON surrogate
        return RowError(row, row_id(row), "UnicodeDecodeError", f"row {row}: the id is not valid {encoding}")
    return None


def _row(row: int, note_id: str, text: object, text_col: str, encoding: str) -> NoteRow | RowError:
    bad_id = _valid_id(note_id, row, encoding)
    if bad_id is not None:
        return bad_id
    if text is None or (isinstance(text, str | bytes) and not text.strip()):
        return RowError(row, note_id, "EmptyText", f"row {row}: column {text_col!r} is empty")
    if not isinstance(text, str | bytes):
        return RowError(row, note_id, "TypeError", f"row {row}: column {text_col!r} holds {type(text).__name__}")
    decoded = _decode(text, encoding, row, note_id)
    return decoded if isinstance(decoded, RowError) else NoteRow(row, note_id, decoded)


class _Lines:
    """A file's physical lines, with the ones a failed record read handed back to be read again."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.again: list[str] = []
        self.taken: list[str] = []

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        line = self.again.pop() if self.again else self.handle.readline()
        if not line:
            raise StopIteration
        self.taken.append(line)
        return line


def csv_records(handle, delimiter: str) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """(first line, fields) per record, parsed strictly. A record whose quoted field does not close properly (an
    unbalanced quote would swallow every row after it) is reported at the line it opened, as the error, and the
    lines after that one are read again as records of their own: rows are never merged."""
    lines = _Lines(handle)
    line = 1
    while True:
        lines.taken = []
        try:
            values = next(csv.reader(lines, delimiter=delimiter, strict=True))
        except StopIteration:
            return
        except csv.Error as error:
            lines.again.extend(reversed(lines.taken[1:]))
            yield line, error
            line += 1
            continue
        yield line, values
        line += len(lines.taken)


def _with_cells(item: NoteRow | RowError, cells: dict) -> NoteRow | RowError:
    return replace(item, cells=cells) if isinstance(item, NoteRow) and cells else item


def read_csv(
    path: Path, text_col: str | None, id_col: str | None, encoding: str, extra: tuple[str, ...] = ()
) -> Iterator[NoteRow | RowError]:
    csv.field_size_limit(sys.maxsize)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    encoding = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    with path.open(encoding=encoding, errors="surrogateescape", newline="") as handle:
        records = csv_records(handle, delimiter)
        first = next(records, None)
        if first is None:
            return
        header = first[1]
        if isinstance(header, csv.Error):
            raise SourceError(f"the header (line 1) is not valid CSV: {header}")
        text_name = _pick(header, text_col, TEXT_COLUMNS, "text")
        if text_name is None:
            raise SourceError(
                f"no text column among the {len(header)} columns of the header (looked for {', '.join(TEXT_COLUMNS)}):"
                " name it with --text-col"
            )
        id_name = _pick(header, id_col, ID_COLUMNS, "id")
        text_at, id_at = header.index(text_name), header.index(id_name) if id_name is not None else None
        extra_at = {name: header.index(_pick(header, name, (), "claim") or name) for name in extra}
        for row, (line, values) in enumerate(records, start=1):
            if isinstance(values, csv.Error):
                message = f"row {row}: a quoted field opened on line {line} is not closed properly ({values})"
                yield RowError(row, row_id(row), "MalformedCSV", message + "; the lines after it are read as rows")
                continue
            note_id = values[id_at].strip() if id_at is not None and id_at < len(values) else ""
            note_id = note_id or row_id(row)
            if text_at >= len(values):
                yield RowError(row, note_id, "MissingColumn", f"row {row}: has no {text_name!r} field")
                continue
            cells = {name: values[at] if at < len(values) else None for name, at in extra_at.items()}
            yield _with_cells(_row(row, note_id, values[text_at], text_name, encoding), cells)


def _json_objects(path: Path, encoding: str) -> Iterator[tuple[int, dict] | RowError]:
    """Each line's JSON object with its row number, or why the line is not one."""
    with path.open("rb") as handle:
        for row, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            line = _decode(raw, encoding, row, row_id(row))
            if isinstance(line, RowError):
                yield line
                continue
            try:
                record = json.loads(line.removeprefix("\ufeff") if row == 1 else line)
            except json.JSONDecodeError as error:
                yield RowError(
                    row, row_id(row), "JSONDecodeError", f"row {row}: not JSON ({error.msg} at column {error.colno})"
                )
                continue
            except (ValueError, RecursionError) as error:  # a 5,000-digit number, brackets nested too deep
                yield RowError(row, row_id(row), type(error).__name__, f"row {row}: JSON that cannot be read in full")
                continue
            if not isinstance(record, dict):
                yield RowError(row, row_id(row), "TypeError", f"row {row}: a JSON object is expected")
                continue
            yield row, record


def read_jsonl(
    path: Path, text_col: str | None, id_col: str | None, encoding: str, extra: tuple[str, ...] = ()
) -> Iterator[NoteRow | RowError]:
    for item in _json_objects(path, encoding):
        if isinstance(item, RowError):
            yield item
            continue
        row, record = item
        columns = list(record)
        text_name = text_col if text_col is not None else _pick(columns, None, TEXT_COLUMNS, "text")
        id_name = id_col if id_col is not None else _pick(columns, None, ID_COLUMNS, "id")
        raw_id = record.get(id_name) if id_name is not None else None
        note_id = (str(raw_id).strip() if raw_id is not None else "") or row_id(row)
        if text_name is None or text_name not in record:
            yield RowError(row, note_id, "MissingColumn", f"row {row}: no text field (fields: {columns})")
            continue
        yield _with_cells(_row(row, note_id, record[text_name], text_name, encoding), {n: record.get(n) for n in extra})


def read_fhir_ndjson(
    path: Path, text_col: str | None, id_col: str | None, encoding: str, extra: tuple[str, ...] = ()
) -> Iterator[NoteRow | RowError]:
    """A FHIR Bulk Data export of DocumentReference: one resource a line, its id the row's id, its subject,
    encounter, date and identifier the row's `context`. A resource without an id, or of another type, has the row's
    (its id names no DocumentReference); an id that is not a FHIR id is an error row, and never repeated."""
    from notecoder.fhir_r4 import FhirInputError, document_note, is_fhir_id

    for item in _json_objects(path, encoding):
        if isinstance(item, RowError):
            yield item
            continue
        row, resource = item
        if resource.get("resourceType") != "DocumentReference":
            yield RowError(row, row_id(row), "FhirInputError", f"row {row}: not a DocumentReference")
            continue
        own = resource.get("id")
        if own is not None and not is_fhir_id(own):
            yield RowError(row, row_id(row), "FhirInputError", f"row {row}: field id is not a FHIR id")
            continue
        note_id = own or row_id(row)
        try:
            source, text = document_note(resource, name="the resource")
        except FhirInputError as error:
            yield RowError(row, note_id, "FhirInputError", f"row {row}: {error}")
            continue
        note = _row(row, note_id, text, "content", encoding)
        context = source.context()
        yield NoteRow(note.row, note.id, note.text, context) if isinstance(note, NoteRow) and context else note


def read_parquet(
    path: Path, text_col: str | None, id_col: str | None, encoding: str, extra: tuple[str, ...] = ()
) -> Iterator[NoteRow | RowError]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    columns = parquet.schema_arrow.names
    text_name = _pick(columns, text_col, TEXT_COLUMNS, "text")
    if text_name is None:
        raise SourceError(f"no text column found among {columns}: name it with --text-col")
    id_name = _pick(columns, id_col, ID_COLUMNS, "id")
    for name in extra:
        _pick(columns, name, (), "claim")  # a claim column the file has not is refused before any row
    wanted = [text_name] + ([id_name] if id_name is not None else [])
    wanted += [name for name in extra if name not in wanted]
    row = 0
    for batch in parquet.iter_batches(columns=wanted, batch_size=1024):
        texts = batch.column(text_name).to_pylist()
        ids = batch.column(id_name).to_pylist() if id_name is not None else [None] * len(texts)
        others = {name: batch.column(name).to_pylist() for name in extra}
        for n, (text, raw_id) in enumerate(zip(texts, ids, strict=True)):
            row += 1
            note_id = str(raw_id).strip() if raw_id is not None else ""
            cells = {name: values[n] for name, values in others.items()}
            yield _with_cells(_row(row, note_id or row_id(row), text, text_name, encoding), cells)


def read_folder(
    path: Path, text_col: str | None, id_col: str | None, encoding: str, extra: tuple[str, ...] = ()
) -> Iterator[NoteRow | RowError]:
    files = sorted(p for p in path.rglob("*.txt") if p.is_file())
    root = path.resolve()
    for row, file in enumerate(files, start=1):
        note_id = str(file.relative_to(path).with_suffix(""))
        if not file.resolve().is_relative_to(root):  # a link out of the export: recorded, never read
            yield RowError(row, note_id, "OutsideFolder", f"row {row}: the file links outside the folder; skipped")
            continue
        try:
            raw = file.read_bytes()
        except OSError as error:  # unreadable: the row says so and the batch goes on
            yield RowError(row, note_id, type(error).__name__, f"row {row}: the file cannot be read ({error.strerror})")
            continue
        yield _row(row, note_id, raw, file.name, encoding)


READERS = {"csv": read_csv, "jsonl": read_jsonl, "parquet": read_parquet, "folder": read_folder,
           "fhir-ndjson": read_fhir_ndjson}  # fmt: skip


def read_notes(
    path: Path,
    fmt: str | None = None,
    text_col: str | None = None,
    id_col: str | None = None,
    encoding: str = "utf-8",
    extra: tuple[str, ...] = (),
) -> Iterator[NoteRow | RowError]:
    """Rows of an export, each either a note or the reason it could not be read; a repeated id is an error row.
    Only ids of the input can repeat: a row's own number never clashes with an id of the input. `extra`: other
    columns each row carries (`NoteRow.cells`), from a CSV, JSONL or Parquet export."""
    if not path.exists():
        raise SourceError(f"no such input: {path}")
    fmt = fmt or detect_format(path)
    reader = READERS[fmt]
    if extra and fmt not in ("csv", "jsonl", "parquet"):
        raise SourceError(f"claim columns are read from a CSV, JSONL or Parquet export, not {fmt}")
    seen: dict[str, int] = {}
    for item in reader(path, text_col, id_col, encoding, extra):
        first = seen.setdefault(item.id, item.row) if has_own_id(item) else item.row
        if first != item.row:
            yield RowError(item.row, item.id, "DuplicateId", f"row {item.row}: its id was already used by row {first}")
            continue
        yield item


def count_rows(path: Path, fmt: str | None = None) -> int | None:
    """How many rows an export holds, cheaply, for the progress bar's ETA; None when it cannot be told."""
    fmt = fmt or detect_format(path)
    if fmt == "folder":
        return sum(1 for p in path.rglob("*.txt") if p.is_file())
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if fmt in ("jsonl", "fhir-ndjson"):
        with path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        csv.field_size_limit(sys.maxsize)
        return max(0, sum(1 for _ in csv.reader(handle)) - 1)
