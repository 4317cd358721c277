"""The worklist over HTTP, mounted on `notecoder serve --worklist URL`: the page at /worklist/ (it holds no note:
everything it shows comes from the API, after the coder's token), and /worklist/api/... Every API request names its
user with the bearer token `notecoder users add` printed; the role decides what it may do (policy.json).

Note ids travel in query strings and bodies, never in paths: the service's access log writes paths, and an id can
be a patient's identifier."""

from collections.abc import Iterator
from dataclasses import asdict
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException

from notecoder.batch.journal import text_hash
from notecoder.result import NoteResult
from notecoder.review.html import matches
from notecoder.worklist import decisions, queries
from notecoder.worklist.errors import NotFound, Stale, WorklistError
from notecoder.worklist.export import decision_records
from notecoder.worklist.imports import ImportSummary, queue_note
from notecoder.worklist.page import page_html, page_tables
from notecoder.worklist.policy import Permission, policy, require
from notecoder.worklist.queue import FILTERS, counts, rows
from notecoder.worklist.stats import stats
from notecoder.worklist.tables import Item, Note, User
from notecoder.worklist.users import list_users, user_for
from notecoder.worklist.view import note_view

PREFIX = "/worklist"


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note_id: str
    kind: str
    key: str
    decision: str | None
    """None undoes the decision."""
    version: int = Field(ge=0)
    """The item's version the coder saw: a write over a newer one is refused (409)."""
    new_code: str | None = None
    reason: str | None = None


class QueryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note_id: str
    gap: str
    physician: str


class AnswerRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer: str


class CloseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: str


class QueueRequest(BaseModel):
    """A note coded through the API (/v1/extract), queued with its result; its text only if the team keeps text."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=200)
    result: NoteResult
    text: str | None = None


REQUESTS = (DecisionRequest, QueryRequest, AnswerRequest, CloseRequest, QueueRequest)


def mount(app: FastAPI, engine: Engine) -> None:
    """Adds the page and the API to the service's app."""
    sessions = sessionmaker(engine, expire_on_commit=False)

    def session() -> Iterator[Session]:
        with sessions() as opened:
            yield opened

    Db = Annotated[Session, Depends(session)]

    def user(request: Request, db: Db) -> User:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        found = user_for(db, token.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            raise HTTPException(401, "a worklist user's bearer token is required", {"WWW-Authenticate": "Bearer"})
        return found

    Coder = Annotated[User, Depends(user)]

    def allowed(who: User, permission: Permission) -> User:
        require(who.role, permission)
        return who

    @app.exception_handler(WorklistError)
    async def refused(request: Request, error: WorklistError) -> JSONResponse:
        body: dict = {"detail": str(error)}
        if isinstance(error, Stale):
            body |= {"by": error.by, "at": error.at.isoformat() if error.at else None, "version": error.version,
                     "current": error.current}  # fmt: skip
        return JSONResponse(body, error.status)

    @app.get(PREFIX + "/", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        return HTMLResponse(page_html(), headers={"Cache-Control": "no-store"})

    @app.get(PREFIX + "/api/me")
    def me(who: Coder) -> dict:
        """Who the token is, what the role may do, and the tables the page needs."""
        return {"name": who.name, "role": who.role, "may": list(policy().roles[who.role]), **page_tables()}

    @app.get(PREFIX + "/api/queue")
    def queue(who: Coder, db: Db, show: Annotated[str, Query(pattern="|".join(FILTERS))] = "all") -> dict:
        found = rows(db)
        return {"counts": counts(found, who.name), "order": list(policy().order),
                "rows": [asdict(row) for row in found if row.wanted(show, who.name)]}  # fmt: skip

    @app.get(PREFIX + "/api/note")
    def note(who: Coder, db: Db, id: str) -> dict:
        found = db.scalars(select(Note).where(Note.note_id == id)).first()
        if found is None:
            raise NotFound(f"no note {id!r} on the worklist")
        items = db.scalars(select(Item).where(Item.note == found.id).order_by(Item.id))
        return {
            **note_view(found),
            "items": [
                {
                    "kind": i.kind,
                    "key": i.key,
                    "code": i.code,
                    "gap": i.gap,
                    "title": i.title,
                    "confidence": i.confidence,
                    **decisions.state(i),
                }
                for i in items
            ],  # fmt: skip
            "queries": queries.queries_of(db, note_id=id),
        }

    @app.post(PREFIX + "/api/decisions")
    def decide(who: Coder, db: Db, request: DecisionRequest) -> dict:
        return decisions.decide(db, who, request.note_id, request.kind, request.key, request.decision,
                                version=request.version, new_code=request.new_code, reason=request.reason)  # fmt: skip

    @app.post(PREFIX + "/api/queries")
    def issue(who: Coder, db: Db, request: QueryRequest) -> dict:
        return queries.issue(db, who, request.note_id, request.gap, request.physician)

    @app.get(PREFIX + "/api/queries")
    def open_queries(who: Coder, db: Db, open: bool = True) -> list[dict]:
        return queries.queries_of(db, open_only=open)

    @app.post(PREFIX + "/api/queries/answer")
    def answer(who: Coder, db: Db, request: AnswerRequest, id: int) -> dict:
        return queries.answer(db, who, id, request.answer)

    @app.post(PREFIX + "/api/queries/close")
    def close(who: Coder, db: Db, request: CloseRequest, id: int) -> dict:
        return queries.close(db, who, id, request.outcome)

    @app.post(PREFIX + "/api/notes")
    def queue_one(who: Coder, db: Db, request: QueueRequest) -> dict:
        allowed(who, "import")
        if request.text is not None and not matches(request.text, request.result):
            raise WorklistError("text is not the note the result was coded from (its evidence spans do not match)")
        summary = ImportSummary()
        digest = None if request.text is None else text_hash(request.text)
        queue_note(db, summary, request.id, request.result, actor=who.name, source="api", text=request.text,
                   digest=digest)  # fmt: skip
        db.commit()
        return asdict(summary)

    @app.get(PREFIX + "/api/stats")
    def figures(who: Coder, db: Db) -> dict:
        allowed(who, "export")
        return stats(db)

    @app.get(PREFIX + "/api/decisions")
    def export(who: Coder, db: Db) -> list[dict]:
        allowed(who, "export")
        return decision_records(db)

    @app.get(PREFIX + "/api/users")
    def users(who: Coder, db: Db) -> list[dict]:
        allowed(who, "users")
        return [{"name": u.name, "role": u.role, "active": u.active} for u in list_users(db)]
