"""Walk-forward end to end on synthetic bars: a planted edge is found out of sample, shuffled
training labels collapse precision to the base rate (the leakage test), reports are written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.backtest.synth import synthetic_bars
from tools.backtest.evaluate import Scorecard, score
from tools.backtest.report import write_report
from tools.backtest.runner import BacktestConfig, run_walk_forward

pytestmark = pytest.mark.slow


def _run(shuffle: bool, require_lift: bool = True) -> Scorecard:
    bars = synthetic_bars(16, 1150, persistence=0.6, seed=1)
    cfg = BacktestConfig(
        test_years=1,
        min_train_years=2,
        min_primary_rows=300,
        shuffle_labels=shuffle,
        min_selected=20,
        require_lift=require_lift,
    )
    return score(run_walk_forward(bars, cfg), cfg)


@pytest.fixture(scope="module")
def real() -> Scorecard:
    return _run(shuffle=False)


def test_planted_edge_is_found_out_of_sample(real: Scorecard) -> None:
    meta = real.summary["strategies"]["overall"]["meta"]
    assert meta["selected"] >= 50
    assert meta["precision"] > meta["base_rate"] + 0.15
    assert len([f for f in real.summary["folds"] if "skipped" not in f]) >= 2


def test_shuffled_labels_collapse_precision_to_base_rate() -> None:
    # The ranking itself (lift gate off, so precision is measurable) carries no information.
    meta = _run(shuffle=True, require_lift=False).summary["strategies"]["overall"]["meta"]
    assert meta["selected"] >= 50
    assert abs(meta["precision"] - meta["base_rate"]) < 0.06


def test_lift_gate_trusts_almost_nothing_without_information() -> None:
    meta = _run(shuffle=True).summary["strategies"]["overall"]["meta"]
    assert meta["selected"] <= 0.05 * meta["n"]


def test_report_files(real: Scorecard, tmp_path: Path) -> None:
    paths = write_report(real, tmp_path)
    summary = json.loads(Path(paths["summary"]).read_text())
    overall = summary["strategies"]["overall"]
    for key in ("cagr_pct", "sharpe", "sortino", "max_drawdown_pct", "turnover_x_per_year"):
        assert key in overall["performance"]
    assert overall["trades"] > 0
    assert 0.0 <= overall["hit_rate"] <= 1.0
    assert "unfiltered_primary" in overall
    assert Path(paths["equity_png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
