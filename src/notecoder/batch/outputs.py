"""Final outputs from the journal: JSONL (one result per note), a flat CSV/Parquet view or FHIR NDJSON, written
atomically: a full disk leaves no partial output, and the journal for `--resume`."""

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from notecoder.batch.csv_cells import write_rows
from notecoder.batch.journal import FHIR_CONTEXT, TEXT_HASH
from notecoder.batch.paths import PRIVATE, WriteFailed, check_output, private_open
from notecoder.batch.results import read_results
from notecoder.result import NoteResult

FORMATS = ("jsonl", "csv", "parquet", "fhir-ndjson", "fhir-transaction-ndjson")
FLAT_COLUMNS = (
    "row", "id", "status", "record", "code", "title", "confidence", "gap", "query", "detail", "evidence",
    "error_type", "error_message",
)  # fmt: skip


def detect_output_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix in FORMATS:
        return suffix
    raise ValueError(f"cannot tell the output format of {path.name}: use --format (one of {', '.join(FORMATS)})")


def _evidence(evidence: list[dict]) -> list[dict]:
    return [{"text": e["text"], "start": e["start"], "end": e["end"], "kind": e["kind"]} for e in evidence]


def flat_rows(record: dict) -> Iterator[dict]:
    """One row per proposed code, alternative and gap; a note with none of them, or a failed row, is one row.
    Confidence stays a number and evidence a list of spans: the CSV writer spells them out, Parquet keeps them."""
    base = {"row": record["row"], "id": record["id"], "status": record["status"]}
    if record["status"] == "error":
        error = record["error"]
        yield {**base, "record": "error", "error_type": error["type"], "error_message": error["message"]}
        return
    result = record["result"]
    emitted = False
    for code in result["codes"]:
        yield {**base, "record": "code", "code": code["code"], "title": code["title"], "detail": code["rationale"],
               "confidence": code.get("confidence"), "evidence": _evidence(code["evidence"])}  # fmt: skip
        emitted = True
    for alternative in result["alternatives"]:
        yield {**base, "record": "alternative", "code": alternative["code"], "title": alternative["title"],
               "confidence": alternative.get("confidence"), "detail": alternative["reason"],
               "evidence": _evidence(alternative["evidence"])}  # fmt: skip
        emitted = True
    for gap in result["gaps"]:
        yield {**base, "record": "gap", "code": gap["code"], "gap": gap["id"], "query": gap["query"],
               "detail": gap["message"]}  # fmt: skip
        emitted = True
    if not emitted:
        yield {**base, "record": "none"}


def _csv_cells(row: dict) -> dict:
    cells = dict(row)
    if cells.get("confidence") is not None:
        cells["confidence"] = f"{cells['confidence']:.4f}"
    if "evidence" in cells:
        cells["evidence"] = " | ".join(f"{e['text']} [{e['start']}:{e['end']}]" for e in cells["evidence"])
    return cells


def _write_jsonl(records: Iterable[dict], target: Path) -> None:
    with private_open(target, "w") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _write_csv(records: Iterable[dict], target: Path) -> None:
    with private_open(target, "w") as handle:
        write_rows(handle, FLAT_COLUMNS, (_csv_cells(row) for record in records for row in flat_rows(record)))


def parquet_schema():
    import pyarrow as pa

    span = pa.struct([("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("kind", pa.string())])
    types = {"row": pa.int64(), "confidence": pa.float64(), "evidence": pa.list_(span)}
    return pa.schema([(c, types.get(c, pa.string())) for c in FLAT_COLUMNS])


def _write_parquet(records: Iterable[dict], target: Path, batch_rows: int = 4096) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    with pq.ParquetWriter(target, schema) as writer:
        pending: list[dict] = []
        for record in records:
            pending.extend(flat_rows(record))
            if len(pending) >= batch_rows:
                writer.write_table(pa.Table.from_pylist(pending, schema=schema))
                pending = []
        if pending:
            writer.write_table(pa.Table.from_pylist(pending, schema=schema))


def _write_fhir_ndjson(records: Iterable[dict], target: Path, bundle_type: str = "collection") -> None:
    """One resource a line: a Bundle (of `bundle_type`) per coded note, an OperationOutcome per failed row, each
    naming its input row and, when the row's id is a FHIR id, citing `DocumentReference/<id>` (an id of another form
    cites nothing); a DocumentReference's subject, encounter, date and identifier are kept (`fhir_r4.NoteSource`)."""
    from notecoder.fhir_r4 import NoteSource, failure_outcome, is_fhir_id, result_bundle

    with private_open(target, "w") as handle:
        for record in records:
            row = record["row"]
            document = f"DocumentReference/{record['id']}" if is_fhir_id(record["id"]) else None
            if record["status"] == "ok":
                result = NoteResult.model_validate(record["result"])
                source = NoteSource.of(record.get(FHIR_CONTEXT), document=document, row=row,
                                       note_hash=record.get(TEXT_HASH))  # fmt: skip
                resource = result_bundle(result, source, bundle_type)  # type: ignore[arg-type]
            else:
                error = record["error"]
                resource = failure_outcome(row, document, error["type"], error["message"], record.get(TEXT_HASH))
            handle.write(resource.model_dump_json(exclude_none=True) + "\n")


def _write_fhir_transactions(records: Iterable[dict], target: Path) -> None:
    """As fhir-ndjson, each coded note a transaction Bundle: a line can be POSTed to a FHIR server as it is."""
    _write_fhir_ndjson(records, target, "transaction")


WRITERS = {"jsonl": _write_jsonl, "csv": _write_csv, "parquet": _write_parquet, "fhir-ndjson": _write_fhir_ndjson,
           "fhir-transaction-ndjson": _write_fhir_transactions}  # fmt: skip


def publish(records: Iterable[dict], output: Path, fmt: str) -> None:
    """Write next to the final name, then rename into place: the output is whole or absent (a write that fails,
    a full disk, leaves nothing behind and is a WriteFailed)."""
    temporary = output.with_name(f".{output.name}.writing")
    try:
        WRITERS[fmt](records, temporary)
        os.chmod(temporary, PRIVATE)
        os.replace(temporary, output)
    except OSError as error:  # pyarrow's write errors are OSErrors too
        temporary.unlink(missing_ok=True)
        raise WriteFailed(f"{output.name} cannot be written ({error.strerror or type(error).__name__})") from None


def convert(results: Path, output: Path, fmt: str | None = None) -> int:
    """The flat view (or a copy) of a finished batch's JSONL results, without coding the notes again."""
    fmt = fmt or detect_output_format(output)
    check_output(results, output)
    count = 0

    def counted() -> Iterator[dict]:
        nonlocal count
        for record, _ in read_results(results):
            count += 1
            yield record

    publish(counted(), output, fmt)
    return count
