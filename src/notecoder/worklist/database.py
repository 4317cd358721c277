"""Where the worklist lives: SQLite by default (a file beside the user, nothing to install), PostgreSQL by URL for a
team. The schema is Alembic's: `upgrade` brings a database to the package's head, and `open_database` refuses one
that is not there (a server never runs on a schema it does not know)."""

import os
import stat
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

URL_VARIABLE = "NOTECODER_WORKLIST_URL"
DEFAULT_URL = "sqlite:///notecoder-worklist.db"


class DatabaseError(Exception):
    """The worklist's database cannot be used as it is; the message says what to do (and never holds a password)."""


def database_url(given: str | None = None) -> str:
    return given or os.environ.get(URL_VARIABLE) or DEFAULT_URL


def shown(url: str) -> str:
    """A URL as messages write it: the password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "the database URL given"


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")  # coders writing at once wait for each other, they do not fail
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer (kept in the file once set)
    cursor.close()


def engine_for(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        said = "sqlite:///path or postgresql+psycopg://..."
        raise DatabaseError(f"{shown(url)} is not a database URL ({said})") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(f"the worklist runs on SQLite or PostgreSQL, not {parsed.get_backend_name()}")
    if parsed.get_backend_name() == "sqlite":
        _private_file(parsed.database)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except ImportError:
        raise DatabaseError("PostgreSQL needs a driver: pip install 'notecoder[postgresql]'") from None


def _private_file(database: str | None) -> None:
    """The SQLite file may hold note text: created readable by its owner alone, like every file notecoder writes
    that holds PHI."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
    elif path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        path.chmod(0o600)


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", "notecoder.worklist:migrations")
    config.attributes["engine"] = engine
    return config


def head() -> str:
    script = ScriptDirectory.from_config(_config(create_engine("sqlite://")))
    return str(script.get_current_head())


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, revision: str = "head", *, down: bool = False) -> None:
    """Upgrade (or downgrade) the database to `revision`, in one transaction where the database allows it."""
    config = _config(engine)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, revision)
    except OperationalError as error:
        raise DatabaseError(f"{shown(str(engine.url))} cannot be migrated ({type(error.orig).__name__})") from None


def open_database(url: str) -> Engine:
    """An engine on a database at the package's schema, or an error saying how to get there."""
    engine = engine_for(url)
    try:
        found = current(engine)
    except OperationalError as error:
        raise DatabaseError(f"{shown(url)} cannot be opened ({type(error.orig).__name__})") from None
    if found != head():
        state = "has no worklist" if found is None else f"is at schema {found}, this notecoder needs {head()}"
        raise DatabaseError(f"{shown(url)} {state}: run `notecoder worklist upgrade`")
    return engine
