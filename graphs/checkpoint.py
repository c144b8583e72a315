"""Own the checkpointer factory: SQLite by default, Postgres when the store is Postgres."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver


def checkpoint_target(database_url: str) -> str:
    """Map the store URL to the checkpointer's connection string.

    Postgres: the same database, as a plain psycopg URL. SQLite: a sibling file
    `<store>.checkpoints.sqlite3` (or ':memory:' for an in-memory store), so LangGraph's writes
    never contend with the store's transactions.
    """
    if database_url.startswith("postgresql"):
        return "postgresql://" + database_url.split("://", 1)[1]
    if not database_url.startswith("sqlite"):
        raise ValueError(f"no checkpointer for database URL scheme {database_url.split(':')[0]!r}")
    path = database_url.split("///", 1)[1] if "///" in database_url else ":memory:"
    if path in ("", ":memory:"):
        return ":memory:"
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    return str(p.with_name(p.stem + ".checkpoints.sqlite3"))


@asynccontextmanager
async def open_checkpointer(database_url: str) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """Yield a ready (set-up) async checkpointer for the store at `database_url`."""
    target = checkpoint_target(database_url)
    if target.startswith("postgresql"):
        async with AsyncPostgresSaver.from_conn_string(target) as pg_saver:
            await pg_saver.setup()
            yield pg_saver
        return
    async with AsyncSqliteSaver.from_conn_string(target) as sqlite_saver:
        await sqlite_saver.setup()
        yield sqlite_saver
