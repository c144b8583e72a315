"""Own the walk-forward scorecard: meta-label precision/recall/FPR on test signals, and portfolio
simulations per strategy and overall (meta-filtered, plus unfiltered and buy-and-hold for scale).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tools.backtest.metrics import classification, performance
from tools.backtest.portfolio import SimResult, simulate
from tools.backtest.runner import BacktestConfig, WalkForward
from tools.signals.labels import TP

OVERALL = "overall"


@dataclass
class Scorecard:
    """The JSON-ready summary and the equity curves behind it."""

    summary: dict[str, Any]
    curves: dict[str, pd.Series]


def score(wf: WalkForward, cfg: BacktestConfig) -> Scorecard:
    """Classification and portfolio figures per strategy and overall over the test periods."""
    sig = wf.signals
    frame = wf.prepared.frame
    if sig.empty or not any("skipped" not in f for f in wf.folds):
        return Scorecard(
            {
                "error": "no test folds: not enough history for the walk-forward",
                "data": wf.prepared.data,
            },
            {},
        )
    used = [f for f in wf.folds if "skipped" not in f]
    start = pd.Timestamp(used[0]["test_start"], tz=frame["session"].dt.tz)
    end = pd.Timestamp(used[-1]["test_end"], tz=frame["session"].dt.tz) + pd.Timedelta(days=1)
    strategies: dict[str, Any] = {}
    curves: dict[str, pd.Series] = {}
    groups = [(name, sig[sig["strategy"] == name]) for name in sorted(sig["strategy"].unique())]
    for name, part in [*groups, (OVERALL, sig)]:
        sim = simulate(
            frame, _trades(part[part["is_trustworthy"]]), cfg.fills, cfg.sizing, start, end
        )
        strategies[name] = _strategy_block(part, sim)
        curves[name] = sim.equity
    raw = simulate(frame, _trades(sig), cfg.fills, cfg.sizing, start, end)
    strategies[OVERALL]["unfiltered_primary"] = _strategy_block(sig, raw, with_meta=False)
    curves["unfiltered primary"] = raw.equity
    bench = buy_and_hold(frame, start, end, cfg.sizing.capital_inr)
    curves["equal-weight buy & hold"] = bench
    summary = {
        "data": wf.prepared.data,
        "test_period": {
            "start": str(start.date()),
            "end": str((end - pd.Timedelta(days=1)).date()),
        },
        "folds": wf.folds,
        "strategies": strategies,
        "benchmark_equal_weight_buy_hold": performance(bench, 0.0, bench).as_dict(),
        "seconds": {k: round(v, 2) for k, v in wf.seconds.items()},
    }
    return Scorecard(_clean(summary), curves)


def _trades(part: pd.DataFrame) -> pd.DataFrame:
    t = part[part["entry_idx"] == part["row"] + 1]
    t = t.assign(quality=t.get("quality_score", 0.0))
    return t.drop_duplicates(["row"]).reset_index(drop=True)


def _strategy_block(
    part: pd.DataFrame, sim: SimResult, *, with_meta: bool = True
) -> dict[str, Any]:
    done = part[part["complete"]]
    y = (done["label"] == TP).to_numpy()
    block: dict[str, Any] = {"signals": len(part), "primary_hit_rate": _mean(y)}
    if with_meta:
        block["meta"] = classification(y, done["is_trustworthy"].to_numpy(dtype=bool)).as_dict()
    trades = sim.trades
    block["trades"] = len(trades)
    if len(trades):
        closed = trades.dropna(subset=["net_pnl_inr"]) if "net_pnl_inr" in trades else trades
        block["hit_rate"] = _mean(trades["label"].to_numpy() == TP)
        block["win_rate"] = _mean(closed["net_pnl_inr"].to_numpy() > 0)
        block["net_pnl_inr"] = float(closed["net_pnl_inr"].sum())
        block["charges_inr"] = float(closed["charges_inr"].sum())
    block["skipped"] = sim.skipped
    block["performance"] = performance(sim.equity, sim.traded_value_inr, sim.invested).as_dict()
    return block


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if len(x) else math.nan


def buy_and_hold(
    frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, capital: float
) -> pd.Series:
    """Equal-weight, daily-rebalanced universe (no costs): the scale a strategy is judged on.
    Daily moves beyond ±40 % are treated as data breaks (splits) and ignored."""
    close = frame.pivot_table(index="session", columns="symbol", values="close")
    close = close[(close.index >= start) & (close.index < end)]
    rets = close.pct_change(fill_method=None)
    rets = rets.where(rets.abs() < 0.4)
    daily = rets.mean(axis=1).fillna(0.0)
    return capital * (1 + daily).cumprod()


def _clean(obj: Any) -> Any:
    """JSON-safe copy: NaN/inf become None, numpy scalars become Python numbers."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
