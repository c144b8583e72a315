"""Leakage test on real NSE bars: with shuffled training labels the meta-labeler's precision on
the (real) test labels must collapse to the base rate."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.backtest.evaluate import score
from tools.backtest.runner import BacktestConfig, load_bars_dir, run_walk_forward

pytestmark = pytest.mark.slow


def test_shuffled_labels_collapse_to_base_rate_on_real_bars(shared_data: Path) -> None:
    bars, _info = load_bars_dir(shared_data / "ohlcv" / "yf_nifty50_daily_2018_2025.csv.gz")
    assert bars["symbol"].nunique() >= 40
    cfg = BacktestConfig(test_years=1, min_train_years=2, shuffle_labels=True, require_lift=False)
    wf = run_walk_forward(bars, cfg)
    meta = score(wf, cfg).summary["strategies"]["overall"]["meta"]
    assert len([f for f in wf.folds if "skipped" not in f]) >= 3
    assert meta["selected"] >= 1_000
    assert abs(meta["precision"] - meta["base_rate"]) < 0.03
