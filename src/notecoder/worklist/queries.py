"""The physician query loop: a gap becomes a query (the compliant, non-leading text the product writes for it),
issued to a named physician, answered, and closed with its outcome. A gap a coder rejected is never queried."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from notecoder.worklist.audit import record
from notecoder.worklist.decisions import find_item
from notecoder.worklist.errors import NotFound, WorklistError
from notecoder.worklist.policy import policy, require
from notecoder.worklist.tables import Item, Note, Query, User, now

OPEN = ("open", "answered")


def describe(query: Query, note_id: str, gap: str, at: datetime | None = None) -> dict:
    age = ((at or now()) - query.issued_at).total_seconds() / 86400
    return {
        "id": query.id, "note_id": note_id, "gap": gap, "physician": query.physician, "question": query.question,
        "status": query.status, "issued_by": query.issued_by, "issued_at": query.issued_at.isoformat(),
        "answer": query.answer, "outcome": query.outcome, "age_days": round(age, 2),
    }  # fmt: skip


def _question(note: Note, gap_key: str) -> str:
    gap_id, _, code = gap_key.partition(":")
    for gap in (note.result or {}).get("gaps", []):
        if gap["id"] == gap_id and (gap.get("code") or "") == code:
            return gap["query"]
    raise NotFound(f"note {note.note_id!r} has no gap {gap_key!r}")


def issue(session: Session, user: User, note_id: str, gap_key: str, physician: str) -> dict:
    require(user.role, "query")
    physician = physician.strip()
    if not physician or len(physician) > 120:
        raise WorklistError("a query is issued to a named physician (1 to 120 characters)")
    note, item = find_item(session, note_id, "gap", gap_key)
    if item.decision == "rejected":
        raise WorklistError(f"gap {gap_key} of note {note_id!r} was rejected by {item.decided_by}: it is not queried")
    pending = select(Query.id).where(Query.item == item.id, Query.status.in_(OPEN))
    if session.scalars(pending).first() is not None:
        raise WorklistError(f"gap {gap_key} of note {note_id!r} already has an open query")
    query = Query(note=note.id, item=item.id, physician=physician, question=_question(note, gap_key), status="open",
                  issued_by=user.name, issued_at=now())  # fmt: skip
    session.add(query)
    session.flush()
    record(session, user.name, "query.issue", note_id=note_id, item_key=f"gap:{gap_key}",
           after={"query": query.id, "physician": physician, "status": "open"})  # fmt: skip
    session.commit()
    return describe(query, note_id, gap_key)


def _chosen():
    return select(Query, Note.note_id, Item.key).join(Note, Note.id == Query.note).join(Item, Item.id == Query.item)


def _query(session: Session, query_id: int) -> tuple[Query, str, str]:
    found = session.execute(_chosen().where(Query.id == query_id)).first()
    if found is None:
        raise NotFound(f"no query {query_id}")
    return found[0], found[1], found[2]


def answer(session: Session, user: User, query_id: int, given: str) -> dict:
    """Records the physician's answer (agree, disagree, other, clinically undetermined)."""
    require(user.role, "query")
    if given not in policy().answers:
        raise WorklistError(f"answer {given!r} is not one of {', '.join(policy().answers)}")
    query, note_id, gap = _query(session, query_id)
    if query.status != "open":
        raise WorklistError(f"query {query_id} is {query.status}: only an open query is answered")
    query.status, query.answer, query.answered_at = "answered", given, now()
    record(session, user.name, "query.answer", note_id=note_id, before={"query": query_id, "status": "open"},
           after={"query": query_id, "status": "answered", "answer": given})  # fmt: skip
    session.commit()
    return describe(query, note_id, gap)


def close(session: Session, user: User, query_id: int, outcome: str) -> dict:
    """Closes an answered query with its outcome, or withdraws an open one."""
    require(user.role, "query")
    if outcome not in policy().outcomes:
        raise WorklistError(f"outcome {outcome!r} is not one of {', '.join(policy().outcomes)}")
    query, note_id, gap = _query(session, query_id)
    if query.status == "closed":
        raise WorklistError(f"query {query_id} is already closed")
    if query.status == "open" and outcome != "withdrawn":
        raise WorklistError(f"query {query_id} has no answer yet: record it first, or close it as withdrawn")
    before = {"query": query_id, "status": query.status}
    query.status, query.outcome, query.closed_by, query.closed_at = "closed", outcome, user.name, now()
    record(session, user.name, "query.close", note_id=note_id, before=before,
           after={"query": query_id, "status": "closed", "outcome": outcome})  # fmt: skip
    session.commit()
    return describe(query, note_id, gap)


def queries_of(session: Session, *, note_id: str | None = None, open_only: bool = False) -> list[dict]:
    chosen = _chosen().order_by(Query.issued_at)
    if note_id is not None:
        chosen = chosen.where(Note.note_id == note_id)
    if open_only:
        chosen = chosen.where(Query.status.in_(OPEN))
    at = now()
    return [describe(query, found, gap, at) for query, found, gap in session.execute(chosen)]
