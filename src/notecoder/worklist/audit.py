"""The audit trail: one row per change, in the same transaction as the change (a change is never without its row).
Only names, ids, decisions and states: never note text."""

from sqlalchemy.orm import Session

from notecoder.worklist.tables import Audit, now


def record(session: Session, actor: str, action: str, *, note_id: str | None = None, item_key: str | None = None,
           before: dict | None = None, after: dict | None = None) -> None:  # fmt: skip
    session.add(Audit(at=now(), actor=actor, action=action, note_id=note_id, item_key=item_key, before=before,
                      after=after))  # fmt: skip
