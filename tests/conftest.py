"""Shared fixtures: a fake clock, and databases migrated by Alembic on SQLite and on Postgres."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from core.clock import IST, FakeClock
from store.db import make_engine, session_factory, upgrade
from store.models import Base

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("DESK_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
PG_URL = os.environ.get("DESK_TEST_DATABASE_URL", "")
ON_CI = bool(os.environ.get("CI"))

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@dataclass
class Database:
    """A migrated, empty database for one test."""

    kind: str
    url: str
    engine: Engine
    sessions: sessionmaker[Session]


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.fail(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 12, 16, 9, 15, tzinfo=IST))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tmpl") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


def _pg_admin_url() -> str:
    return make_url(PG_URL).set(database="postgres").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _pg_template() -> Iterator[str]:
    if not PG_URL:
        if ON_CI:
            pytest.fail("DESK_TEST_DATABASE_URL is not set on CI: Postgres tests must run")
        pytest.skip("DESK_TEST_DATABASE_URL not set (the README test command sets it)")
    name = f"desk_tmpl_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _make_sqlite(template: Path, tmp_path: Path) -> Database:
    path = tmp_path / "desk.sqlite3"
    shutil.copy(template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    return Database("sqlite", url, engine, session_factory(engine))


@pytest.fixture
def sqlite_db(_sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    db = _make_sqlite(_sqlite_template, tmp_path)
    yield db
    db.engine.dispose()


def _create_from_template(admin: Engine, name: str, template: str) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))


@pytest.fixture(scope="session")
def _pg_worker_db(_pg_template: str) -> Iterator[tuple[Engine, str]]:
    """One migrated database per test process, emptied after each test (cheaper than a new one)."""
    name = f"desk_w_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    _create_from_template(admin, name, _pg_template)
    yield admin, name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_OWN_TABLES = tuple(t for t in Base.metadata.tables)


def _empty_pg(url: str) -> None:
    """Truncate the desk's tables (audit triggers off for this session only) and drop any table
    a test created (e.g. LangGraph checkpoints); identities restart so ids are as in a new DB."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SET lock_timeout = '3s'"))
            conn.execute(text("SET session_replication_role = replica"))
            present = set(conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
            extra = present - set(_OWN_TABLES) - {"alembic_version"}
            for table in sorted(extra):
                conn.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
            tables = ", ".join(f'"{t}"' for t in _OWN_TABLES if t in present)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture
def pg_db(_pg_worker_db: tuple[Engine, str], _pg_template: str) -> Iterator[Database]:
    admin, name = _pg_worker_db
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    yield Database("postgres", url, engine, session_factory(engine))
    engine.dispose()
    try:
        _empty_pg(url)
    except Exception:  # a test left a lock behind: start over from the template
        _create_from_template(admin, name, _pg_template)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Database:
    """A fresh migrated database; every test using it runs once on SQLite and once on Postgres."""
    fixture = "sqlite_db" if request.param == "sqlite" else "pg_db"
    return request.getfixturevalue(fixture)  # type: ignore[no-any-return]
