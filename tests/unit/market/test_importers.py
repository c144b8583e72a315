"""OHLCV and bhavcopy readers: every rejection and flag reason, on crafted and on real files."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.errors import ValidationError
from tools.market.importers import read_bhavcopy, read_ohlcv_csv, source_of

CRAFTED = """date,symbol,open,high,low,close,adj_close,volume
2023-12-27,TCS,100,110,95,105,104,1000
2023-12-28,TCS,-1,110,95,105,104,1000
2023-12-29,TCS,100,90,95,92,91,1000
2023-12-26,TCS,120,110,95,105,104,1000
2023-12-25,TCS,100,110,95,105,104,0
2023-12-22,TCS,100,110,95,105,104,0
2023-12-21,TCS,,110,95,105,104,1000
2023-12-20,TCS,100,110,95,105,-3,1000
2023-12-27,TCS,100,110,95,105,104,1000
2023-12-24,TCS,100,110,95,105,104,500
2023-12-19,TCS,100,110,95,105,104,12.5
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    if name.endswith(".gz"):
        with gzip.open(path, "wt") as fh:
            fh.write(text)
    else:
        path.write_text(text)
    return path


def test_each_bad_row_is_rejected_or_flagged_with_its_reason(tmp_path: Path) -> None:
    df, rep = read_ohlcv_csv(_write(tmp_path, "yf_test.csv.gz", CRAFTED))
    assert dict(rep.skipped) == {
        "negative_price": 1,
        "high_below_low": 1,
        "ohlc_outside_range": 1,
        "zero_volume": 1,
        "missing_field": 2,
        "duplicate_in_file": 1,
    }
    assert dict(rep.flagged) == {
        "zero_volume_session": 1,
        "non_session_date": 1,
        "negative_adj_close": 1,
    }
    assert rep.rows_read == 11
    assert rep.rows_valid == len(df) == 4
    assert rep.examples["negative_price"][0]["line"] == 3
    assert rep.examples["zero_volume"][0]["date"].startswith("2023-12-25")  # Christmas
    assert set(df["source"]) == {"YFINANCE"}
    first = df.sort_values("ts").iloc[-1]
    assert first["ts"].to_pydatetime() == datetime(2023, 12, 27, 3, 45, tzinfo=UTC)


def test_seven_column_format_and_directories(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "upstox_a.csv",
        "date,symbol,open,high,low,close,volume\n2023-12-27,INFY,1500,1510,1490,1505,10\n",
    )
    _write(
        tmp_path,
        "b.csv.gz",
        "timestamp,symbol,open,high,low,close,volume\n"
        "2023-12-27T00:00:00+05:30,TCS,3800,3810,3790,3805,10\n",
    )
    df, rep = read_ohlcv_csv(tmp_path)
    assert sorted(df["symbol"]) == ["INFY", "TCS"]
    assert sorted(df["source"]) == ["CSV", "UPSTOX"]
    assert len(rep.files) == 2


def test_missing_columns_name_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.csv", "date,symbol,close\n2023-12-27,TCS,1\n")
    with pytest.raises(ValidationError, match=r"bad\.csv lacks columns"):
        read_ohlcv_csv(path)
    with pytest.raises(ValidationError, match="does not exist"):
        read_ohlcv_csv(tmp_path / "nope.csv")


def test_real_yfinance_history_report(shared_data: Path) -> None:
    df, rep = read_ohlcv_csv(shared_data / "ohlcv" / "yf_nifty50_daily_1991_2024.csv.gz")
    assert rep.rows_read == 285_027
    # BPCL's 1996 rows have open/close outside their own high-low range (bad split adjustment).
    assert rep.skipped["ohlc_outside_range"] == 531
    assert {r["symbol"] for r in rep.examples["ohlc_outside_range"]} == {"BPCL"}
    # ADANIENT 2002: prices fine, adj_close negative (a yfinance dividend-adjustment bug).
    assert rep.flagged["negative_adj_close"] >= 40
    assert rep.examples["negative_adj_close"][0]["symbol"] == "ADANIENT"
    assert rep.skipped["zero_volume"] > 0
    assert rep.rows_valid == len(df) == rep.rows_read - rep.skipped_total
    assert df["symbol"].nunique() == 50
    assert (df["low"] <= df[["open", "close"]].min(axis=1) + 1e-4).all()


def test_real_bhavcopy_keeps_eq_and_be(shared_data: Path) -> None:
    path = (
        shared_data / "nse_archive" / "stocks" / "2025-12-18" / "sec_bhavdata_full_18122025.csv.gz"
    )
    df, rep = read_bhavcopy(path)
    assert source_of(path) == "NSE_BHAVCOPY"
    rel = df[df["symbol"] == "RELIANCE"].iloc[0]
    assert (rel["open"], rel["high"], rel["low"], rel["close"]) == (
        1535.20,
        1551.50,
        1535.20,
        1544.40,
    )
    assert rel["volume"] == 6_580_829
    assert rel["ts"].to_pydatetime() == datetime(2025, 12, 18, 3, 45, tzinfo=UTC)
    assert "ABAN" in set(df["symbol"])  # a BE (trade-for-trade) series row
    assert rep.skipped["other_series"] > 0
    assert rep.rows_read == rep.rows_valid + rep.skipped_total


def test_bar_writer_refuses_naive_timestamps() -> None:
    import pandas as pd

    from store.repos.market import upsert_bars

    frame = pd.DataFrame(
        {
            "symbol": ["TCS"],
            "ts": [pd.Timestamp("2025-12-15 03:45")],
            "open": [1.0],
            "high": [1.0],
            "low": [1.0],
            "close": [1.0],
            "volume": [1],
        }
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        upsert_bars(None, frame)  # type: ignore[arg-type]  # refused before any database work
