"""`notecoder worklist stats`: what a CDI lead measures. Queries issued, answered and closed, the physicians'
agreement rate (agree among the answers), outcomes; decisions per code family (the code's category, M53, M50,
M54...), and how many codes the coders changed or rejected in each."""

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from notecoder.worklist.tables import Item, Query


def family(code: str) -> str:
    return code.split(".")[0][:3]


def stats(session: Session) -> dict:
    queries = list(session.scalars(select(Query)))
    answers = Counter(q.answer for q in queries if q.answer)
    answered = sum(answers.values())
    per_family: dict[str, Counter] = {}
    decided = select(Item).where(Item.kind != "gap", Item.decision.is_not(None))
    for item in session.scalars(decided):
        per_family.setdefault(family(item.code or item.key), Counter())[item.decision or ""] += 1
    gaps = Counter(
        item.decision for item in session.scalars(select(Item).where(Item.kind == "gap", Item.decision.is_not(None)))
    )
    return {
        "queries": {
            "issued": len(queries),
            "open": sum(q.status == "open" for q in queries),
            "answered": answered,
            "closed": sum(q.status == "closed" for q in queries),
            "answers": dict(sorted(answers.items())),
            "agreement_rate": round(answers["agree"] / answered, 3) if answered else None,
            "outcomes": dict(sorted(Counter(q.outcome for q in queries if q.outcome).items())),
        },
        "codes": {
            name: {
                "decided": sum(c.values()),
                "accepted": c["accepted"],
                "changed": c["changed"],
                "rejected": c["rejected"],
            }
            for name, c in sorted(per_family.items())
        },  # fmt: skip
        "gaps": {"accepted": gaps["accepted"], "rejected": gaps["rejected"]},
    }
