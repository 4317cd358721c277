"""The worklist's schema is its migrations': they go up and down on SQLite and PostgreSQL, the models match what they
build, a database not at this notecoder's schema is refused with what to run, and the SQLite file is private. And
the commands a team runs first: upgrade, add users, import, serve."""

import os
import stat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from typer.testing import CliRunner

from notecoder.cli import app as cli
from notecoder.service.api import create_app
from notecoder.service.settings import ServiceSettings
from notecoder.worklist.database import DatabaseError, current, engine_for, head, migrate, open_database
from notecoder.worklist.tables import Base
from tests.worklist_db import BACKENDS, new_database, write_results

TABLES = {"users", "notes", "items", "queries", "audit"}


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    found, drop = new_database(request.param, tmp_path)
    yield found
    drop()


def tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_the_migrations_go_up_and_down_and_build_what_the_models_say(url):
    engine = engine_for(url)
    with pytest.raises(DatabaseError, match="has no worklist: run `notecoder worklist upgrade`"):
        open_database(url)
    migrate(engine)
    assert current(engine) == head() and tables(engine) == TABLES
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    migrate(engine, "base", down=True)
    assert current(engine) is None and tables(engine) == set()
    migrate(engine)
    assert open_database(url) is not None
    engine.dispose()


def test_the_sqlite_file_is_readable_by_its_owner_alone(tmp_path):
    path = tmp_path / "team.db"
    migrate(engine_for(f"sqlite:///{path}"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o644)
    engine_for(f"sqlite:///{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_database_url_that_is_neither_sqlite_nor_postgresql_is_refused():
    with pytest.raises(DatabaseError, match="SQLite or PostgreSQL, not mysql"):
        engine_for("mysql://someone:secret@db/worklist")
    with pytest.raises(DatabaseError, match="is not a database URL") as refused:
        engine_for("postgres ql://someone:secret@db")
    assert "secret" not in str(refused.value)


def test_a_team_s_first_commands(url, tmp_path):
    runner = CliRunner()
    served = runner.invoke(cli, ["serve", "--worklist", url])
    assert served.exit_code == 3 and "run `notecoder worklist upgrade`" in served.output
    assert runner.invoke(cli, ["worklist", "upgrade", "--db", url]).exit_code == 0
    added = runner.invoke(cli, ["users", "add", "cora", "--role", "cdi", "--db", url])
    assert added.exit_code == 0
    token = added.output.strip().splitlines()[-1]
    twice = runner.invoke(cli, ["users", "add", "cora", "--role", "coder", "--db", url])
    assert twice.exit_code == 2 and "already a user named cora" in twice.output
    assert runner.invoke(cli, ["users", "add", "x", "--role", "boss", "--db", url]).exit_code == 2
    listed = runner.invoke(cli, ["users", "list", "--db", url]).output
    assert listed == "cora\tcdi\tactive\n" and token not in listed
    bob = runner.invoke(cli, ["users", "add", "bob", "--role", "coder", "--db", url]).output.strip().splitlines()[-1]
    assert runner.invoke(cli, ["users", "deactivate", "bob", "--db", url]).exit_code == 0
    assert runner.invoke(cli, ["users", "list", "--db", url]).output.splitlines()[0] == "bob\tcoder\tinactive"
    renewed = runner.invoke(cli, ["users", "token", "bob", "--db", url]).output.strip().splitlines()[-1]
    assert renewed != bob
    assert runner.invoke(cli, ["users", "token", "nobody", "--db", url]).exit_code == 2
    results = write_results(tmp_path)
    imported = runner.invoke(cli, ["worklist", "import", str(results), "--db", url])
    assert imported.exit_code == 0 and imported.output.startswith("7 notes added, 0 replaced")
    figures = runner.invoke(cli, ["worklist", "stats", "--db", url])
    assert figures.exit_code == 0 and '"issued": 0' in figures.output
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"not": "a record"}\n', encoding="utf-8")
    refused = runner.invoke(cli, ["worklist", "import", str(broken), "--db", url])
    assert refused.exit_code == 3 and "broken.jsonl line 1" in refused.output

    class Idle:  # the extraction processes, not needed to serve the worklist
        ready = True

        async def start(self):
            pass

        async def stop(self):
            pass

    settings = ServiceSettings(token="service-token", worklist_url=url)
    with TestClient(create_app(settings, Idle())) as client:  # type: ignore[arg-type]
        me = client.get("/worklist/api/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["name"] == "cora" and "query" in me.json()["may"]
        assert client.get("/worklist/api/me", headers={"Authorization": "Bearer service-token"}).status_code == 401
        assert client.get("/worklist/api/me", headers={"Authorization": f"Bearer {bob}"}).status_code == 401
        assert client.get("/worklist/api/me", headers={"Authorization": f"Bearer {renewed}"}).status_code == 200
        note = client.post("/v1/extract", json={"text": "neck pain"}, headers={"Authorization": f"Bearer {token}"})
        assert note.status_code == 401  # a worklist user's token is not the service's
        page = client.get("/worklist/")
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
        assert "connect-src 'self'" in page.text and "enc-1001" not in page.text
