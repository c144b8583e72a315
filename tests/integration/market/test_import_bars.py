"""import_bars end to end on SQLite and Postgres: validated, idempotent, audited."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from store.audit import AuditLog
from store.db import transaction
from store.models import AuditLogRow
from store.repos.market import count_bars, load_bars_frame
from tests.conftest import SHARED_DATA
from tools.market.importers import import_bars


@pytest.fixture(scope="module")
def yf_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real file: two symbols of the yfinance history before 2004 (bad rows included)."""
    src = pd.read_csv(SHARED_DATA / "ohlcv" / "yf_nifty50_daily_1991_2024.csv.gz", dtype=str)
    out = tmp_path_factory.mktemp("yf") / "yf_slice.csv.gz"
    keep = src["symbol"].isin(["ADANIENT", "BPCL"]) & (src["date"] < "2004-01-01")
    src[keep].to_csv(out, index=False)
    return out


def test_import_is_idempotent_reports_skips_and_audits(db, clock, yf_slice) -> None:
    path = yf_slice
    seen: list[tuple[int, int]] = []
    with transaction(db.sessions) as s:
        first = import_bars(
            s, [path], progress=lambda d, t: seen.append((d, t)), audit=AuditLog(clock)
        )
    assert first.inserted == first.rows_valid > 0
    assert first.skipped["ohlc_outside_range"] > 0  # BPCL 1996
    assert first.flagged["negative_adj_close"] > 0  # ADANIENT 2002
    assert seen[-1] == (first.rows_valid, first.rows_valid)
    with transaction(db.sessions) as s:
        again = import_bars(s, [path], audit=AuditLog(clock))
        stored = count_bars(s, "1d")
        frame = load_bars_frame(s, symbols=["BPCL"])
        audits = s.scalars(select(AuditLogRow).order_by(AuditLogRow.seq)).all()
    assert again.inserted == 0
    assert again.duplicates == first.rows_valid
    assert stored == first.inserted
    assert set(frame["source"]) == {"YFINANCE"}
    assert [a.action_category for a in audits] == ["INGESTION", "INGESTION"]
    assert audits[0].payload["inserted"] == first.inserted
    assert audits[1].payload["duplicates"] == first.rows_valid


def test_bhavcopy_import(db, shared_data) -> None:
    path = shared_data / "nse_archive" / "stocks"
    with transaction(db.sessions) as s:
        rep = import_bars(s, [path], kind="bhavcopy")
        rel = load_bars_frame(s, symbols=["RELIANCE"])
    assert len(rep.files) == 3
    assert rep.inserted == rep.rows_valid
    assert len(rel) == 3
    assert set(rel["source"]) == {"NSE_BHAVCOPY"}
