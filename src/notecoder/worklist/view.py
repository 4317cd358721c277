"""One note as the worklist shows it: the review view (the note with its evidence, escaped on the server), and for
each gap what its physician query needs. Without kept text the view lists the evidence spans and says where the
text lives."""

from notecoder.batch.journal import text_hash
from notecoder.result import NoteResult
from notecoder.review.html import note_html
from notecoder.worklist.tables import Note


def _withheld(note: Note) -> str:
    if note.notes_path:
        return f"The note text is not kept in the worklist (it is in {note.notes_path})"
    return "The note text is not kept in the worklist"


def note_view(note: Note) -> dict:
    if note.result is None:
        return {"id": note.note_id, "error": note.error, "view": "", "gaps": [], "text_kept": False}
    result = NoteResult.model_validate(note.result)
    text = note.text
    if text is not None and note.text_sha256 is not None and text_hash(text) != note.text_sha256:
        text = None
    gaps = [{"key": f"{g.id}:{g.code or ''}", "id": g.id, "label": g.label or g.id, "code": g.code,
             "message": g.message, "query": g.query, "indicators": [f.text for f in g.evidence]}
            for g in result.gaps]  # fmt: skip
    view = note_html(text, result, standalone=False, uid="wl-note", withheld=None if text else _withheld(note))
    return {"id": note.note_id, "error": None, "view": view, "gaps": gaps, "text_kept": text is not None}
