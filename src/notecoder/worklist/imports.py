"""Putting coded notes on the worklist: a batch's results file, or one result sent to the service.

What is stored: the result (its evidence spans quote the note), and the note text only when asked (`keep_text`);
otherwise the export's path, so the text can be read where it already lives. A note already on the worklist is
replaced by a new result only while nobody has decided on it or queried it: a re-run batch updates the untouched
notes and never overwrites a coder's work."""

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from notecoder.batch.journal import TEXT_HASH, text_hash
from notecoder.batch.results import read_results
from notecoder.result import NoteResult
from notecoder.review.html import note_confidence
from notecoder.worklist.audit import record
from notecoder.worklist.tables import Item, Note, Query, now


@dataclass
class ImportSummary:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)
    """Ids already on the worklist with decisions or queries: their new result was not taken."""
    failed: int = 0
    """Rows the batch could not code: queued with their error, to be seen."""


def items_of(result: NoteResult) -> list[Item]:
    items = [Item(kind="code", key=c.code, code=c.code, title=c.title, confidence=c.confidence, version=0)
             for c in result.codes]  # fmt: skip
    items += [Item(kind="alternative", key=a.code, code=a.code, title=a.title, confidence=a.confidence, version=0)
              for a in result.alternatives]  # fmt: skip
    items += [Item(kind="gap", key=f"{g.id}:{g.code or ''}", code=g.code, gap=g.id, title=g.label or g.id,
                   confidence=None, version=0) for g in result.gaps]  # fmt: skip
    return items


def _touched(session: Session, note: Note) -> bool:
    decided = select(Item.id).where(Item.note == note.id, Item.decision.is_not(None))
    queried = select(Query.id).where(Query.note == note.id)
    return bool(session.scalar(select(exists(decided) | exists(queried))))


def queue_note(session: Session, summary: ImportSummary, note_id: str, result: NoteResult | None, *, actor: str,
               source: str, text: str | None = None, digest: str | None = None, error: str | None = None,
               notes_path: str | None = None) -> None:  # fmt: skip
    """One note onto the worklist (not committed: the caller commits a batch at once)."""
    stored = None if result is None else result.model_dump(mode="json")
    found = session.scalars(select(Note).where(Note.note_id == note_id)).first()
    if found is not None:
        if found.result == stored and found.error == error and found.text_sha256 == digest:
            summary.unchanged += 1
            return
        if _touched(session, found):
            summary.kept.append(note_id)
            return
        session.execute(delete(Item).where(Item.note == found.id))
        note, action = found, "note.replace"
        summary.replaced += 1
    else:
        note, action = Note(note_id=note_id), "note.import"
        session.add(note)
        summary.added += 1
    note.source, note.result, note.error, note.text, note.text_sha256 = source, stored, error, text, digest
    note.notes_path, note.imported_at, note.imported_by = notes_path, now(), actor
    note.confidence = None if result is None else note_confidence(result)
    session.flush()
    if result is not None:
        for item in items_of(result):
            item.note = note.id
            session.add(item)
    else:
        summary.failed += 1
    counts = {} if result is None else {"codes": len(result.codes), "alternatives": len(result.alternatives),
                                        "gaps": len(result.gaps)}  # fmt: skip
    record(session, actor, action, note_id=note_id, after={"source": source, "text_kept": text is not None, **counts})


def import_results(session: Session, path: Path, *, actor: str, keep_text: bool = False,
                   notes_path: Path | None = None) -> ImportSummary:  # fmt: skip
    """A batch's JSONL results onto the worklist, in one transaction. `keep_text` stores the text the batch kept
    (`--include-text`), checked against the hash it recorded; `notes_path` records where the export is instead."""
    summary = ImportSummary()
    for batch_record, result in read_results(path):
        note_id = str(batch_record["id"])
        digest = batch_record.get(TEXT_HASH)
        text = batch_record.get("text") if keep_text else None
        if text is not None and digest is not None and text_hash(text) != digest:
            text = None  # not the text the result was coded from: never shown beside it
        failure = batch_record.get("error") if result is None else None
        error = f"{failure['type']}: {failure['message']}" if failure else None
        queue_note(session, summary, note_id, result, actor=actor, source=path.name, text=text, digest=digest,
                   error=error, notes_path=None if notes_path is None else str(notes_path))  # fmt: skip
    session.commit()
    return summary
