"""Metrics worked by hand: confusion figures, Wilson bound, CAGR, drawdown, Sharpe."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tools.backtest.metrics import classification, performance, wilson_lower


def test_classification_by_hand() -> None:
    y = [1, 1, 1, 0, 0, 0, 0, 0]
    p = [1, 1, 0, 1, 0, 0, 0, 0]
    m = classification(y, p)
    assert m.precision == pytest.approx(2 / 3)
    assert m.recall == pytest.approx(2 / 3)
    assert m.false_positive_rate == pytest.approx(1 / 5)
    assert m.base_rate == pytest.approx(3 / 8)
    assert m.selected == 3


def test_classification_with_nothing_selected_is_nan() -> None:
    assert math.isnan(classification([1, 0], [0, 0]).precision)


def test_wilson_lower_penalises_small_support() -> None:
    small, large = wilson_lower([3, 300], [3, 300])
    assert small < 0.5 < large < 1.0
    assert wilson_lower([0], [0])[0] == 0.0


def test_performance_by_hand() -> None:
    idx = pd.date_range("2020-01-01", periods=4, freq="D")
    eq = pd.Series([100.0, 110.0, 99.0, 121.0], index=idx)
    m = performance(
        eq, traded_value_inr=200.0, invested=pd.Series([0.0, 50.0, 50.0, 0.0], index=idx)
    )
    assert m.max_drawdown_pct == pytest.approx(10.0)
    rets = np.array([0.1, -0.1, 121 / 99 - 1])
    assert m.sharpe == pytest.approx(rets.mean() / rets.std(ddof=1) * math.sqrt(252))
    assert m.sortino == pytest.approx(rets.mean() / math.sqrt(0.01 / 3) * math.sqrt(252))
    assert m.end_equity_inr == 121.0
    assert m.exposure_pct == pytest.approx(100 * (50 / 110 + 50 / 99) / 4)


def test_cagr_over_two_years() -> None:
    idx = pd.to_datetime(["2020-01-01", "2022-01-01"])
    eq = pd.Series([100.0, 121.0], index=idx)
    m = performance(eq, 0.0, pd.Series([0.0, 0.0], index=idx))
    assert m.cagr_pct == pytest.approx(10.0, abs=0.05)
