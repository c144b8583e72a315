"""Fixtures for feature integration tests: a small real-data feature frame."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.unit.features.conftest import DATA, bars_from_csv
from tools.features.build import build_features


@pytest.fixture(scope="session")
def small_bars() -> pd.DataFrame:
    """Three NIFTY 50 symbols, 2023 (Upstox daily candles)."""
    return bars_from_csv(
        DATA / "ohlcv" / "upstox_nifty50_daily_2020_2025.csv.gz",
        ["TCS", "INFY", "ITC"],
        since="2023-01-01",
    )


@pytest.fixture(scope="session")
def small_features(small_bars: pd.DataFrame) -> pd.DataFrame:
    return build_features(small_bars)
