"""`notecoder report`: batch results (and, when they lack it, the export's text) to one HTML page."""

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from notecoder.batch.paths import private_open
from notecoder.batch.sources import NoteRow, read_notes
from notecoder.result import NoteResult
from notecoder.review import ReportItem, matches, report_html


def _items(results: Path, texts: dict[str, str], min_confidence: float | None) -> Iterator[ReportItem]:
    with results.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                record = json.loads(line)
                note_id = str(record["id"])
            except (json.JSONDecodeError, KeyError, TypeError):
                raise ValueError(f"{results.name} line {number} is not a notecoder batch record") from None
            if record.get("status") == "ok":
                try:
                    result = NoteResult.model_validate(record["result"])
                except (ValidationError, KeyError) as error:
                    raise ValueError(f"{results.name} line {number}: {_problems(error)}") from None
                if min_confidence is not None:
                    result = result.above(min_confidence)
                yield ReportItem(note_id, record.get("text", texts.get(note_id)), result)
            else:
                failure = record.get("error", {})
                yield ReportItem(note_id, None, None, f"{failure.get('type')}: {failure.get('message')}")


def _problems(error: Exception) -> str:
    """What is wrong with a record, by field name only: pydantic's own message quotes the values (the note)."""
    if not isinstance(error, ValidationError):
        return "the record has no result"
    places = sorted({".".join(str(p) for p in e["loc"]) or "result" for e in error.errors()})
    return f"the result does not validate ({error.error_count()} problems, in {', '.join(places[:5])})"


@dataclass(frozen=True)
class ReportSummary:
    notes: int
    stale: tuple[str, ...] = ()
    """Notes whose text (from --notes) is another version than the one coded: shown without highlights."""


def write_report(
    results: Path,
    output: Path,
    *,
    notes: Path | None = None,
    text_col=None,
    id_col=None,
    title: str = "notecoder review",
    min_confidence: float | None = None,
) -> ReportSummary:
    """The report page; the notes whose --notes text does not match their results are named, not drawn on."""
    texts = {}
    if notes is not None:
        texts = {
            row.id: row.text for row in read_notes(notes, text_col=text_col, id_col=id_col) if isinstance(row, NoteRow)
        }
    items = list(_items(results, texts, min_confidence))
    stale = [i.id for i in items if i.text is not None and i.result is not None and not matches(i.text, i.result)]
    temporary = output.with_name(f".{output.name}.writing")
    with private_open(temporary, "w") as handle:  # the report holds the notes: PHI
        handle.write(report_html(items, title=title))
    os.replace(temporary, output)
    return ReportSummary(len(items), tuple(stale))
