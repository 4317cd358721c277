"""Final outputs from the journal: JSONL (one result per note) or a flat CSV/Parquet view, written atomically."""

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path

from notecoder.batch.journal import Journal
from notecoder.batch.paths import PRIVATE, private_open

FORMATS = ("jsonl", "csv", "parquet")
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


def _spans(evidence: list[dict]) -> str:
    return " | ".join(f"{e['text']} [{e['start']}:{e['end']}]" for e in evidence)


def _confidence(proposal: dict) -> str:
    value = proposal.get("confidence")
    return "" if value is None else f"{value:.4f}"


def flat_rows(record: dict) -> Iterator[dict]:
    """One row per proposed code, alternative and gap; a note with none of them, or a failed row, is one row."""
    base = {"row": record["row"], "id": record["id"], "status": record["status"]}
    if record["status"] == "error":
        error = record["error"]
        yield {**base, "record": "error", "error_type": error["type"], "error_message": error["message"]}
        return
    result = record["result"]
    emitted = False
    for code in result["codes"]:
        yield {**base, "record": "code", "code": code["code"], "title": code["title"], "detail": code["rationale"],
               "confidence": _confidence(code), "evidence": _spans(code["evidence"])}  # fmt: skip
        emitted = True
    for alternative in result["alternatives"]:
        yield {**base, "record": "alternative", "code": alternative["code"], "title": alternative["title"],
               "confidence": _confidence(alternative), "detail": alternative["reason"],
               "evidence": _spans(alternative["evidence"])}  # fmt: skip
        emitted = True
    for gap in result["gaps"]:
        yield {**base, "record": "gap", "code": gap["code"], "gap": gap["id"], "query": gap["query"],
               "detail": gap["message"]}  # fmt: skip
        emitted = True
    if not emitted:
        yield {**base, "record": "none"}


def _write_jsonl(records: Iterator[dict], target: Path) -> None:
    with private_open(target, "w") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _write_csv(records: Iterator[dict], target: Path) -> None:
    with private_open(target, "w") as handle:
        writer = csv.DictWriter(handle, fieldnames=FLAT_COLUMNS, restval="")
        writer.writeheader()
        for record in records:
            writer.writerows(flat_rows(record))


def _write_parquet(records: Iterator[dict], target: Path, batch_rows: int = 4096) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.int64() if c == "row" else pa.string()) for c in FLAT_COLUMNS])
    with pq.ParquetWriter(target, schema) as writer:
        pending: list[dict] = []
        for record in records:
            pending.extend(flat_rows(record))
            if len(pending) >= batch_rows:
                writer.write_table(pa.Table.from_pylist(pending, schema=schema))
                pending = []
        if pending:
            writer.write_table(pa.Table.from_pylist(pending, schema=schema))


def publish(journal: Journal, output: Path, fmt: str, rows: set[tuple[int, str]] | None = None) -> None:
    """Write the output next to its final name, then rename it into place: it is whole or absent. With `rows`
    (a resumed run), only the records of those rows."""
    temporary = output.with_name(f".{output.name}.writing")
    writer = {"jsonl": _write_jsonl, "csv": _write_csv, "parquet": _write_parquet}[fmt]
    writer(journal.records(rows), temporary)
    os.chmod(temporary, PRIVATE)
    os.replace(temporary, output)
