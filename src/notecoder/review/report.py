"""`notecoder report`: batch results (and, when they lack it, the export's text) to one HTML page.

A note's text is shown only when it is the text its result was coded from: the batch records each note's SHA-256,
and a text from `--notes` whose hash differs, or that no hash can vouch for, is withheld and its id named (a results
file and an export out of step would otherwise show one patient's note under another's id)."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from notecoder.batch.journal import TEXT_HASH, text_hash
from notecoder.batch.paths import OutputError, private_open
from notecoder.batch.results import read_results
from notecoder.batch.sources import NoteRow, read_notes
from notecoder.review import ReportItem, report_html

DIFFERS = "The note text in --notes is not the text this note was coded from (its SHA-256 differs): it is not shown"
UNVERIFIED = "The results hold no SHA-256 of this note's text to check --notes against: it is not shown"


@dataclass(frozen=True)
class ReportSummary:
    notes: int
    differs: tuple[str, ...] = ()
    """Ids whose text in --notes is not the text they were coded from: not shown."""
    unverified: tuple[str, ...] = ()
    """Ids whose results carry no hash of their text: their --notes text cannot be checked, and is not shown."""


def _checked(record: dict, texts: dict[str, str]) -> tuple[str | None, str | None]:
    """The text to show for a coded record, or None and why it is withheld. The record's own text (--include-text)
    is checked against its hash when it has one; a text from --notes must match it."""
    own = record.get("text")
    text = own if own is not None else texts.get(str(record["id"]))
    if text is None:
        return None, None
    expected = record.get(TEXT_HASH)
    if expected is None:
        return (text, None) if own is not None else (None, UNVERIFIED)
    return (text, None) if text_hash(text) == expected else (None, DIFFERS)


def _items(results: Path, texts: dict[str, str], min_confidence: float | None) -> Iterator[ReportItem]:
    for record, result in read_results(results):
        note_id = str(record["id"])
        if result is None:
            failure = record["error"]
            yield ReportItem(note_id, None, None, f"{failure['type']}: {failure['message']}")
            continue
        if min_confidence is not None:
            result = result.above(min_confidence)
        text, withheld = _checked(record, texts)
        yield ReportItem(note_id, text, result, withheld=withheld)


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
    """The report page; notes whose text cannot be shown as the one coded are named, never shown."""
    texts = {}
    if notes is not None:
        texts = {
            row.id: row.text for row in read_notes(notes, text_col=text_col, id_col=id_col) if isinstance(row, NoteRow)
        }
    items = list(_items(results, texts, min_confidence))
    temporary = output.with_name(f".{output.name}.writing")
    try:
        with private_open(temporary, "w") as handle:  # the report holds the notes: PHI
            handle.write(report_html(items, title=title))
        os.replace(temporary, output)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise OutputError(f"{output} cannot be written ({error.strerror or type(error).__name__})") from None
    return ReportSummary(
        len(items),
        tuple(i.id for i in items if i.withheld == DIFFERS),
        tuple(i.id for i in items if i.withheld == UNVERIFIED),
    )
