"""Users and their tokens. A token is shown once, when the user is added; the database keeps its SHA-256 alone (a
random 256-bit token needs no salt or slow hash: nothing short of the token matches it)."""

import hashlib
import re
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notecoder.worklist.audit import record
from notecoder.worklist.errors import WorklistError as UserError
from notecoder.worklist.policy import policy
from notecoder.worklist.tables import User, now

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,79}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(session: Session, name: str, role: str, actor: str) -> str:
    """Adds the user and returns their token (not stored)."""
    if not NAME.fullmatch(name):
        raise UserError("a user name is 1 to 80 letters, digits or . _ @ -, starting with a letter or digit")
    if role not in policy().roles:
        raise UserError(f"role {role!r} is not one of {', '.join(policy().roles)}")
    token = secrets.token_urlsafe(32)
    session.add(User(name=name, role=role, token_sha256=token_hash(token), created_at=now(), active=True))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise UserError(f"there is already a user named {name}") from None
    record(session, actor, "user.add", after={"user": name, "role": role})
    session.commit()
    return token


def user_for(session: Session, token: str) -> User | None:
    """The active user a token belongs to."""
    if not token:
        return None
    found = session.scalars(select(User).where(User.token_sha256 == token_hash(token))).first()
    return found if found is not None and found.active else None


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def _named(session: Session, name: str) -> User:
    found = session.scalars(select(User).where(User.name == name)).first()
    if found is None:
        raise UserError(f"there is no user named {name}")
    return found


def deactivate(session: Session, name: str, actor: str) -> None:
    """The user's token stops working at once; their decisions and audit rows stay, under their name."""
    user = _named(session, name)
    user.active = False
    record(
        session, actor, "user.deactivate", before={"user": name, "active": True}, after={"user": name, "active": False}
    )
    session.commit()


def new_token(session: Session, name: str, actor: str) -> str:
    """A new token for the user (a lost or leaked one stops working), active again if they were not."""
    user = _named(session, name)
    token = secrets.token_urlsafe(32)
    user.token_sha256, user.active = token_hash(token), True
    record(session, actor, "user.token", after={"user": name})
    session.commit()
    return token
