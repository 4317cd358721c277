"""The queue a coder works through: one row per note with what the list shows and sorts on, the counts at the top,
and the default order (policy.json "order"): the notes with work left first; among them a proposed code before
alternatives alone, before gaps alone; the least sure code first; then the most open gaps. A coder's first hour then
goes on the codes most likely to be wrong, which are the ones that would be billed. A note's confidence is its codes'
(without a code, its alternatives'): review.html.note_confidence."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from notecoder.worklist.queries import OPEN
from notecoder.worklist.tables import Item, Note, Query

FILTERS = ("all", "undecided", "decided", "mine", "queries")


@dataclass
class Row:
    id: str
    confidence: float | None
    codes: list[str]
    alternatives: list[str]
    gaps: list[str]
    decided: int
    undecided: int
    deciders: list[str]
    open_queries: int
    error: str | None

    def tier(self) -> int:
        if self.error:
            return 4
        if self.codes:
            return 0
        return 1 if self.alternatives else 2 if self.gaps else 3

    def order(self) -> tuple:
        sure = 2.0 if self.confidence is None else self.confidence
        return (self.undecided == 0, self.tier(), sure, -self.undecided, self.id)

    def wanted(self, chosen: str, user: str) -> bool:
        if chosen == "undecided":
            return self.undecided > 0
        if chosen == "decided":
            return self.undecided == 0 and self.decided > 0
        if chosen == "mine":
            return user in self.deciders
        if chosen == "queries":
            return self.open_queries > 0
        return True


def rows(session: Session) -> list[Row]:
    """Every note's row, in the default order."""
    items: dict[int, list[Item]] = defaultdict(list)
    for item in session.scalars(select(Item).order_by(Item.id)):
        items[item.note].append(item)
    counted = select(Query.note, func.count()).where(Query.status.in_(OPEN)).group_by(Query.note)
    pending = {note: count for note, count in session.execute(counted)}
    found = []
    for note in session.scalars(select(Note)):
        own = items[note.id]
        found.append(Row(
            id=note.note_id, confidence=note.confidence,
            codes=[i.key for i in own if i.kind == "code"],
            alternatives=[i.key for i in own if i.kind == "alternative"],
            gaps=[i.key for i in own if i.kind == "gap"],
            decided=sum(i.decision is not None for i in own), undecided=sum(i.decision is None for i in own),
            deciders=sorted({i.decided_by for i in own if i.decided_by}), open_queries=pending.get(note.id, 0),
            error=note.error,
        ))  # fmt: skip
    return sorted(found, key=Row.order)


def counts(found: list[Row], user: str) -> dict[str, int]:
    """The figures at the top of the page, one per filter."""
    return {name: sum(row.wanted(name, user) for row in found) for name in FILTERS}
