"""`desk data …` end to end on SQLite and Postgres: import twice, instruments, simulate."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli_data import cli
from core.domain import Bar
from core.enums import DataSource
from store.db import transaction
from store.models import AuditLogRow
from store.repos.market import count_bars, get_instrument, instrument_aliases, upsert_bars
from tests.conftest import SHARED_DATA

runner = CliRunner()


@pytest.fixture(scope="module")
def small_file(tmp_path_factory: pytest.TempPathFactory):
    src = pd.read_csv(SHARED_DATA / "ohlcv" / "yf_nifty50_daily_1991_2024.csv.gz", dtype=str)
    keep = src["symbol"].isin(["BPCL", "ITC"]) & src["date"].between("1996-01-01", "1996-06-30")
    out = tmp_path_factory.mktemp("cli") / "yf_small.csv"
    src[keep].to_csv(out, index=False)
    return out


@pytest.fixture
def env(db, monkeypatch, tmp_path):
    monkeypatch.setenv("DESK_DATABASE_URL", db.url)
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path / "var"))
    return db


def test_import_ohlcv_twice_reports_skips_and_adds_nothing(env, small_file) -> None:
    first = runner.invoke(cli, ["import", "ohlcv", str(small_file)])
    assert first.exit_code == 0, first.output
    assert "ohlc_outside_range" in first.output
    with env.sessions() as s:
        stored = count_bars(s, "1d")
    assert stored > 100
    again = runner.invoke(cli, ["import", "ohlcv", str(small_file)])
    assert again.exit_code == 0, again.output
    assert "0 inserted" in again.output
    with env.sessions() as s:
        assert count_bars(s, "1d") == stored
        audits = s.scalars(select(AuditLogRow)).all()
    assert [a.action_type for a in audits] == ["market.bars_imported"] * 2
    sim = Bar(
        "ITC",
        "NSE",
        "1d",
        datetime(1996, 1, 6, 3, 45, tzinfo=UTC),
        1,
        2,
        1,
        1.5,
        10,
        source=DataSource.SIMULATED,
    )
    with transaction(env.sessions) as s:
        upsert_bars(s, [sim])
    warned = runner.invoke(cli, ["import", "ohlcv", str(small_file)])
    assert "come from SIMULATED" in " ".join(warned.output.split())


def test_import_instruments_and_bad_input(env) -> None:
    out = runner.invoke(cli, ["import", "instruments"])
    assert out.exit_code == 0, out.output
    idx = SHARED_DATA / "reference" / "ind_nifty500list_2026-02.csv"
    out = runner.invoke(cli, ["import", "instruments", str(idx), "--format", "index"])
    assert out.exit_code == 0, out.output
    with env.sessions() as s:
        rel = get_instrument(s, "RELIANCE")
        assert instrument_aliases(s)["RELIANCE"][1] == "RIL"
    assert str(rel.tick_size) == "0.10"  # the index list did not reset the known tick
    bad = runner.invoke(cli, ["import", "instruments", "--format", "index"])
    assert bad.exit_code == 2
    missing = runner.invoke(cli, ["import", "ohlcv", "/nonexistent/missing.csv"])
    assert missing.exit_code == 2
    assert "does not exist" in " ".join(missing.output.split())


def test_simulate_stores_labelled_bars(env) -> None:
    args = ["simulate", "--symbols", "3", "--days", "20", "--seed", "5", "--start", "2025-01-01"]
    out = runner.invoke(cli, args)
    assert out.exit_code == 0, out.output
    assert "SIMULATED" in out.output
    with env.sessions() as s:
        assert count_bars(s, "1d") == 60
        sources = {a.payload["source"] for a in s.scalars(select(AuditLogRow))}
    assert sources == {"SIMULATED"}
    again = runner.invoke(cli, args)
    assert "60 already stored" in again.output
