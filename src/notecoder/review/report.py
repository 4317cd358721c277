"""`notecoder report`: batch results (and, when they lack it, the export's text) to one HTML page."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from notecoder.batch.paths import private_open
from notecoder.batch.results import read_results
from notecoder.batch.sources import NoteRow, read_notes
from notecoder.review import ReportItem, matches, report_html


def _items(results: Path, texts: dict[str, str], min_confidence: float | None) -> Iterator[ReportItem]:
    for record, result in read_results(results):
        note_id = str(record["id"])
        if result is None:
            failure = record["error"]
            yield ReportItem(note_id, None, None, f"{failure['type']}: {failure['message']}")
            continue
        if min_confidence is not None:
            result = result.above(min_confidence)
        yield ReportItem(note_id, record.get("text", texts.get(note_id)), result)


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
