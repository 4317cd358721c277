"""The worklist's tables as SQLAlchemy models. The schema is the migrations' (migrations/versions); these models
mirror them, and a test compares the two. Note text is kept only when the import asks for it (`notes.text`), and
never in the audit table."""

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """A UTC instant on every database: SQLite keeps no zone, so what it gives back is read as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    """Only the token's hash is stored: the token is shown once, when the user is added."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    active: Mapped[bool] = mapped_column(default=True)


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(String(260))
    """The results file (its name, not its path) or "api"."""
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    """The note text, only when imported with it (PHI at rest)."""
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    notes_path: Mapped[str | None] = mapped_column(Text)
    """Where the text can be read instead, when it is not kept: the export the batch coded."""
    confidence: Mapped[float | None] = mapped_column(Float)
    """The note's proposed codes' (the lowest); without a code, its alternatives' (review.html.note_confidence)."""
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    imported_by: Mapped[str] = mapped_column(String(120))


class Item(Base):
    """One proposed code, alternative or gap of a note, with the decision it holds now. `version` grows with each
    decision: a write names the version it saw, and a stale one is refused."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("note", "kind", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(80))
    code: Mapped[str | None] = mapped_column(String(16))
    gap: Mapped[str | None] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    decision: Mapped[str | None] = mapped_column(String(16))
    new_code: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=0)


class Query(Base):
    """A physician query raised from a gap: issued, answered, closed with its outcome."""

    __tablename__ = "queries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    item: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    physician: Mapped[str] = mapped_column(String(120))
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    issued_by: Mapped[str] = mapped_column(String(80))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answer: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))
    closed_by: Mapped[str | None] = mapped_column(String(80))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Audit(Base):
    """Append-only (the migration adds triggers refusing UPDATE and DELETE): who, when, what, before and after. Never
    note text: `before` and `after` hold decisions, query states and counts."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(32))
    note_id: Mapped[str | None] = mapped_column(String(200))
    item_key: Mapped[str | None] = mapped_column(String(80))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
