"""A coder's decision on one item (a proposed code, an alternative, a gap), written only over the version the coder
saw: two coders on one note never lose an update. The write and its audit row are one transaction."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from notecoder.mapper.icd import tabular_titles
from notecoder.worklist.audit import record
from notecoder.worklist.errors import NotFound, Stale, WorklistError
from notecoder.worklist.policy import policy, require
from notecoder.worklist.tables import Item, Note, User, now

KINDS = ("code", "alternative", "gap")


def state(item: Item) -> dict:
    """An item's decision as the API and the audit show it."""
    at = None if item.decided_at is None else item.decided_at.isoformat()
    return {"decision": item.decision, "new_code": item.new_code, "reason": item.reason, "by": item.decided_by,
            "at": at, "version": item.version}  # fmt: skip


def find_item(session: Session, note_id: str, kind: str, key: str) -> tuple[Note, Item]:
    note = session.scalars(select(Note).where(Note.note_id == note_id)).first()
    if note is None:
        raise NotFound(f"no note {note_id!r} on the worklist")
    item = session.scalars(select(Item).where(Item.note == note.id, Item.kind == kind, Item.key == key)).first()
    if item is None:
        raise NotFound(f"note {note_id!r} has no {kind} {key!r}")
    return note, item


def _checked(kind: str, decision: str | None, new_code: str | None, reason: str | None) -> str | None:
    if kind not in KINDS:
        raise WorklistError(f"item kind {kind!r} is not one of {', '.join(KINDS)}")
    if decision is None:
        return None
    if decision not in policy().decisions:
        raise WorklistError(f"decision {decision!r} is not one of {', '.join(policy().decisions)}")
    if decision != "changed":
        if reason and reason not in policy().reasons:
            raise WorklistError(f"reason {reason!r} is not one of: {'; '.join(policy().reasons)}")
        if new_code:
            raise WorklistError("new_code goes with the decision 'changed' only")
        return None
    if kind == "gap":
        raise WorklistError("a gap is accepted or rejected, not changed to a code")
    code = (new_code or "").strip().upper()
    if code not in tabular_titles():
        raise WorklistError(f"new_code {code or '(none)'} is not a code notecoder can propose")
    return code


def _reason(decision: str | None, code: str | None, reason: str | None) -> str | None:
    """A change's reason is the new code's title; a rejection's, one of the policy's reasons."""
    if code is not None:
        return tabular_titles()[code]
    return (reason or None) if decision == "rejected" else None


def decide(session: Session, user: User, note_id: str, kind: str, key: str, decision: str | None, *, version: int,
           new_code: str | None = None, reason: str | None = None) -> dict:  # fmt: skip
    """Sets (or, with decision None, undoes) the item's decision; `version` is the one the coder saw. Returns the new
    state; raises Stale with who changed it when someone else wrote first."""
    require(user.role, "decide")
    code = _checked(kind, decision, new_code, reason)
    _, item = find_item(session, note_id, kind, key)
    before = state(item)
    written = session.execute(
        update(Item)
        .where(Item.id == item.id, Item.version == version)
        .values(
            decision=decision,
            new_code=code,
            reason=_reason(decision, code, reason),
            decided_by=user.name if decision else None,
            decided_at=now() if decision else None,
            version=Item.version + 1,
        )  # fmt: skip
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        _, item = find_item(session, note_id, kind, key)
        current = state(item)
        who = f" by {item.decided_by}" if item.decided_by else ""
        raise Stale(f"{kind} {key} of note {note_id!r} was changed{who} since version {version} "
                    f"(now version {item.version})", by=item.decided_by, at=item.decided_at, version=item.version,
                    current=current)  # fmt: skip
    session.refresh(item)
    after = state(item)
    record(session, user.name, "decision" if decision else "decision.undo", note_id=note_id,
           item_key=f"{kind}:{key}", before=before, after=after)  # fmt: skip
    session.commit()
    return after
