"""`desk features build|show|flows-import` against a real store (SQLite and Postgres)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.cli import app
from core.clock import IST
from store.db import transaction
from store.models.market import FeatureRow
from store.repos.features import features_as_of, load_flows
from store.repos.market import upsert_bars
from tests.unit.features.conftest import DATA


@pytest.fixture
def env(db, monkeypatch, tmp_path):
    monkeypatch.setenv("DESK_DATABASE_URL", db.url)
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path))
    return db


@pytest.fixture
def sqlite_env(sqlite_db, monkeypatch, tmp_path):
    """Input errors are caught before any SQL, so one database kind is enough."""
    monkeypatch.setenv("DESK_DATABASE_URL", sqlite_db.url)
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path))
    return sqlite_db


def test_build_stores_features_from_since_with_flows(env, small_bars):
    with transaction(env.sessions) as s:
        upsert_bars(s, small_bars)
    runner = CliRunner()
    res = runner.invoke(
        app, ["features", "flows-import", str(DATA / "flows" / "fii_dii_cash_net_daily.csv")]
    )
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app, ["features", "build", "--universe", "TCS,INFY", "--since", "2023-06-01"]
    )
    assert res.exit_code == 0, res.output
    with env.sessions() as s:
        n = s.scalar(select(func.count()).select_from(FeatureRow))
        first = s.scalar(select(func.min(FeatureRow.timestamp)))
        syms = set(s.scalars(select(FeatureRow.symbol).distinct()))
        snap = features_as_of(s, datetime(2023, 12, 29, 16, 0, tzinfo=IST))
        flows = load_flows(s)
    expected = (
        (small_bars["symbol"].isin(["TCS", "INFY"])) & (small_bars["ts"] >= "2023-06-01")
    ).sum()
    assert n == expected
    assert syms == {"TCS", "INFY"}
    assert first.astimezone(IST).date().isoformat() == "2023-06-01"
    assert snap["momentum_20d"].notna().all()  # history before --since warmed the windows
    assert snap["regime_label"].notna().all()
    assert len(flows) > 20
    res = runner.invoke(app, ["features", "show", "TCS", "--as-of", "2023-12-29T16:00:00+05:30"])
    assert res.exit_code == 0, res.output
    assert "TCS" in res.output


def test_build_without_bars_fails_cleanly(sqlite_env):
    res = CliRunner().invoke(app, ["features", "build", "--universe", "NOPE"])
    assert res.exit_code == 2
    assert "no daily bars" in res.output


def test_bad_since_is_named(sqlite_env):
    res = CliRunner().invoke(app, ["features", "build", "--since", "June"])
    assert res.exit_code == 2
    assert "--since" in res.output
