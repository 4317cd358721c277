"""The team's decisions in the review report's export columns, so `notecoder train --feedback` and anything that
read the report's CSV read the worklist's the same way; and the notes they are about, for `train --feedback-db`."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from notecoder.worklist.tables import Item, Note

COLUMNS = ("note_id", "item", "code", "gap", "decision", "new_code", "reason", "reviewer", "time")


def decision_records(session: Session) -> list[dict]:
    chosen = (select(Item, Note.note_id).join(Note, Note.id == Item.note).where(Item.decision.is_not(None))
              .order_by(Note.note_id, Item.kind, Item.key))  # fmt: skip
    return [
        {"note_id": note_id, "item": item.kind, "code": item.code or "", "gap": item.gap or "",
         "decision": item.decision, "new_code": item.new_code or "", "reason": item.reason or "",
         "reviewer": item.decided_by, "time": item.decided_at.isoformat() if item.decided_at else ""}
        for item, note_id in session.execute(chosen)
    ]  # fmt: skip


def kept_texts(session: Session) -> dict[str, tuple[str, str]]:
    """Note id -> (text, setting) of the notes whose text the worklist keeps."""
    chosen = select(Note.note_id, Note.text, Note.result).where(Note.text.is_not(None), Note.result.is_not(None))
    return {note_id: (text, result.get("setting", "outpatient")) for note_id, text, result in session.execute(chosen)}
