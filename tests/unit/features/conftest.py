"""Fixtures for feature tests: real NIFTY 50 daily bars as the builder's long-format frame."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("DESK_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def bars_from_csv(
    path: Path, symbols: list[str] | None = None, since: str | None = None
) -> pd.DataFrame:
    """Long-format bars (ts = session date 09:15 IST, as the importers store daily bars)."""
    raw = pd.read_csv(path)
    if symbols is not None:
        raw = raw[raw["symbol"].isin(symbols)]
    if since is not None:
        raw = raw[raw["date"] >= since]
    ts = pd.to_datetime(raw["date"]).dt.tz_localize("Asia/Kolkata") + pd.Timedelta(
        hours=9, minutes=15
    )
    return pd.DataFrame(
        {
            "symbol": raw["symbol"].to_numpy(),
            "exchange": "NSE",
            "ts": ts.dt.tz_convert("UTC").to_numpy(),
            "open": raw["open"].to_numpy(float),
            "high": raw["high"].to_numpy(float),
            "low": raw["low"].to_numpy(float),
            "close": raw["close"].to_numpy(float),
            "volume": raw["volume"].to_numpy(float),
            "oi": np.nan,
            "source": "CSV",
        }
    ).assign(ts=lambda d: pd.to_datetime(d["ts"], utc=True))


@pytest.fixture(scope="session")
def nifty_bars() -> pd.DataFrame:
    """Every NIFTY 50 symbol, Upstox daily candles 2020-10 .. 2023-12 (about 39k bars)."""
    path = DATA / "ohlcv" / "upstox_nifty50_daily_2020_2025.csv.gz"
    if not path.exists():
        pytest.fail(f"shared data not found at {path}")
    return bars_from_csv(path)


@pytest.fixture(scope="session")
def long_history_bars() -> pd.DataFrame:
    """Ten symbols of the Yahoo 1991-2023 file: unadjusted, with splits, holes and zero volume."""
    path = DATA / "ohlcv" / "yf_nifty50_daily_1991_2024.csv.gz"
    if not path.exists():
        pytest.fail(f"shared data not found at {path}")
    syms = [
        "ADANIENT",
        "TCS",
        "INFY",
        "ITC",
        "SBIN",
        "RELIANCE",
        "WIPRO",
        "HDFCBANK",
        "LT",
        "SUNPHARMA",
    ]
    return bars_from_csv(path, syms, since="2003-01-01")


def make_bars(rows: list[tuple[str, str, float, float, float, float, float]]) -> pd.DataFrame:
    """Small hand-made frames: (symbol, 'YYYY-MM-DD', open, high, low, close, volume)."""
    frame = pd.DataFrame(rows, columns=["symbol", "date", "open", "high", "low", "close", "volume"])
    ts = (
        pd.to_datetime(frame["date"]).dt.tz_localize("Asia/Kolkata")
        + pd.Timedelta(hours=9, minutes=15)
    ).dt.tz_convert("UTC")
    return frame.drop(columns="date").assign(exchange="NSE", ts=ts, source="CSV")
