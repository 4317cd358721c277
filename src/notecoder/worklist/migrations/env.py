"""Alembic's environment for the worklist: the database is the one `notecoder worklist upgrade` names (a
connection handed over in `config.attributes`, else the URL in the config)."""

from alembic import context
from sqlalchemy import create_engine

from notecoder.worklist.tables import Base


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as fresh:
        context.configure(connection=fresh, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
