"""Own the walk-forward backtest: bars → features → primary signals (rules + LightGBM) → meta-label
→ fixed-risk sizing → fills with Indian costs, retraining every fold on purged past data only.

Inside each fold's purged training window the samples are cut in time into three purged blocks:
A trains the primary model, B trains the meta-labeler on signals scored out-of-sample by that
primary model, C picks the meta threshold (precision first). The test years are never seen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.enums import Strategy
from tools.backtest.fills import FillModel
from tools.backtest.portfolio import SizingConfig
from tools.backtest.splits import Fold, split_by_time, walk_forward
from tools.features.build import build_features
from tools.market.importers import read_ohlcv_csv
from tools.signals.dataset import label_rows, price_arrays, research_frame
from tools.signals.labels import TP, BarrierConfig
from tools.signals.meta import MetaModel, fit_meta, meta_frame
from tools.signals.model import PrimaryModel, fit_primary, strided_rows
from tools.signals.rules import RuleParams, rule_signals

ProgressFn = Callable[[int, int], None]
OUTCOME = [
    "label",
    "ret",
    "t0",
    "t1",
    "complete",
    "entry_idx",
    "exit_idx",
    "entry_price",
    "exit_price",
    "gap_exit",
    "holding_days",
]


@dataclass(frozen=True)
class BacktestConfig:
    """Everything that shapes a walk-forward run (defaults are the documented ones)."""

    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    barrier: BarrierConfig = field(default_factory=BarrierConfig)
    rules: RuleParams = field(default_factory=RuleParams)
    sizing: SizingConfig = field(default_factory=SizingConfig)
    fills: FillModel = field(default_factory=FillModel)
    test_years: int = 2
    min_train_years: int = 5
    embargo_days: int = 15
    blocks: tuple[float, float, float] = (0.6, 0.25, 0.15)
    primary_stride: int = 5
    ml_top_frac: float = 0.10  # ML fires on the top 10 % of expected edge (cut fixed on block B)
    min_primary_rows: int = 2_000  # folds with less training history are skipped
    min_selected: int = 30
    require_lift: bool = True  # no credible precision lift on validation → trust nothing
    shuffle_labels: bool = False
    seed: int = 0


@dataclass
class Prepared:
    """The research frame with every row's long outcome and the rule signals."""

    frame: pd.DataFrame
    outcomes: pd.DataFrame  # one row per frame row (long side)
    rules: pd.DataFrame  # row, strategy, direction + outcome columns
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class WalkForward:
    """Test-period signals with their meta assessment, plus per-fold notes."""

    prepared: Prepared
    signals: pd.DataFrame
    folds: list[dict[str, Any]]
    seconds: dict[str, float]


def load_bars_dir(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read every OHLCV CSV under `path`; where several files hold a symbol, keep the one source
    with the most bars for it (mixing vendors inside one series creates fake jumps)."""
    bars, report = read_ohlcv_csv(path)
    counts = bars.groupby(["symbol", "source"]).size().rename("n").reset_index()
    best = counts.sort_values(["symbol", "n"], ascending=[True, False]).drop_duplicates("symbol")
    keep = bars.merge(best[["symbol", "source"]], on=["symbol", "source"], how="inner")
    keep = keep.drop_duplicates(["symbol", "ts"], keep="first").reset_index(drop=True)
    info = {
        "files": report.files,
        "rows_read": report.rows_read,
        "rows_used": len(keep),
        "skipped": dict(report.skipped),
        "source_by_symbol": dict(zip(best["symbol"], best["source"], strict=True)),
    }
    return keep, info


def prepare(bars: pd.DataFrame, cfg: BacktestConfig) -> Prepared:
    """Features, context, long outcomes for every row, and the bar-based rule signals."""
    frame = research_frame(build_features(bars), bars)
    prices = price_arrays(frame)
    outcomes = label_rows(frame, prices, np.arange(len(frame)), 1, cfg.barrier)
    outcomes["stop_distance"] = cfg.barrier.k_sl * frame["atr_14d"].to_numpy(dtype=float)
    if cfg.shuffle_labels:
        rng = np.random.default_rng(cfg.seed)
        outcomes["train_label"] = rng.permutation(outcomes["label"].to_numpy())
    else:
        outcomes["train_label"] = outcomes["label"]
    rules = rule_signals(frame, cfg.rules)
    rules = rules[rules["direction"] == 1].reset_index(drop=True)  # long-only: delivery equity
    rules = _with_outcomes(rules, outcomes, frame["symbol"].to_numpy())
    data = {
        "symbols": int(frame["symbol"].nunique()),
        "rows": len(frame),
        "first": str(frame["session"].min().date()),
        "last": str(frame["session"].max().date()),
    }
    return Prepared(frame, outcomes, rules, data)


def _with_outcomes(sig: pd.DataFrame, outcomes: pd.DataFrame, symbols: np.ndarray) -> pd.DataFrame:
    cols = [*OUTCOME, "stop_distance", "train_label"]
    out = outcomes.iloc[sig["row"].to_numpy()][cols].reset_index(drop=True)
    out.insert(0, "symbol", symbols[sig["row"].to_numpy()])
    return pd.concat([sig.reset_index(drop=True), out], axis=1)


def label_end(outcomes: pd.DataFrame) -> pd.Series:
    """When each sample's label is known; unresolved labels count as never (always purged)."""
    return outcomes["t1"].where(outcomes["complete"], outcomes["t0"] + pd.Timedelta(days=3650))


def run_walk_forward(
    bars: pd.DataFrame, cfg: BacktestConfig, progress: ProgressFn | None = None
) -> WalkForward:
    """Prepare, then for each fold retrain primary + meta on the purged past and score the test."""
    t_start = time.perf_counter()
    prep = prepare(bars, cfg)
    t_prep = time.perf_counter() - t_start
    o = prep.outcomes
    t1 = label_end(o)
    folds = list(
        walk_forward(
            o["t0"],
            t1,
            test_years=cfg.test_years,
            min_train_years=cfg.min_train_years,
            embargo_days=cfg.embargo_days,
            start=cfg.start,
            end=cfg.end,
        )
    )
    parts, notes = [], []
    for i, fold in enumerate(folds):
        scored, note = _run_fold(prep, fold, t1, cfg)
        notes.append(note)
        if scored is not None:
            parts.append(scored)
        if progress is not None:
            progress(i + 1, len(folds))
    signals = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    total = time.perf_counter() - t_start
    return WalkForward(prep, signals, notes, {"prepare": t_prep, "total": total})


@dataclass
class FittedModels:
    """What one training window yields: primary model, ML edge cut and meta-labeler."""

    primary: PrimaryModel
    ml_edge_cut_pct: float
    meta: MetaModel
    notes: dict[str, Any]


def fit_models(
    prep: Prepared, train: np.ndarray, t1: pd.Series, cfg: BacktestConfig
) -> FittedModels | str:
    """Train on the complete samples under `train`, cut in time into purged blocks A/B/C.
    Returns the reason instead when the window is too thin to train on."""
    o, frame = prep.outcomes, prep.frame
    train = train & o["complete"].to_numpy()
    a, b, c = split_by_time(o["t0"], t1, train, cfg.blocks, pd.Timedelta(days=cfg.embargo_days))
    rows_a = strided_rows(frame, a, cfg.primary_stride)
    if len(rows_a) < cfg.min_primary_rows:
        return f"only {len(rows_a)} primary training rows"
    lab_a = o.iloc[rows_a][["label", "ret", "complete"]].assign(
        label=o["train_label"].to_numpy()[rows_a], row=rows_a
    )
    primary = fit_primary(frame, lab_a, cfg.barrier)
    pred_b = _predict(prep, primary, b)
    cut = float(np.quantile(pred_b["edge_pct"], 1 - cfg.ml_top_frac))
    sig_b = _block_signals(prep, pred_b, b, cut)
    sig_c = _block_signals(prep, _predict(prep, primary, c), c, cut)
    meta = fit_meta(
        meta_frame(frame, sig_b),
        sig_b["train_label"] == TP,
        meta_frame(frame, sig_c),
        sig_c["train_label"] == TP,
        min_selected=cfg.min_selected,
        require_lift=cfg.require_lift,
    )
    times = o["t0"][train]
    notes = {
        "primary_train_rows": len(rows_a),
        "ml_edge_cut_pct": round(cut, 3),
        "meta_train_signals": len(sig_b),
        "threshold_signals": len(sig_c),
        "threshold": round(meta.threshold, 4),
        "train_from": str(times.min().date()),
        "train_to": str(t1[train].max().date()),
        **meta.metrics,
    }
    return FittedModels(primary, cut, meta, notes)


def _run_fold(
    prep: Prepared, fold: Fold, t1: pd.Series, cfg: BacktestConfig
) -> tuple[pd.DataFrame | None, dict[str, Any]]:
    note: dict[str, Any] = {
        "fold": fold.number,
        "test_start": str(fold.test_start.date()),
        "test_end": str((fold.test_end - pd.Timedelta(days=1)).date()),
    }
    fitted = fit_models(prep, fold.train, t1, cfg)
    if isinstance(fitted, str):
        return None, {**note, "skipped": fitted}
    sig_t = _block_signals(
        prep, _predict(prep, fitted.primary, fold.test), fold.test, fitted.ml_edge_cut_pct
    )
    assessed = fitted.meta.assess(meta_frame(prep.frame, sig_t), factors=False)
    scored = pd.concat([sig_t.reset_index(drop=True), assessed.reset_index(drop=True)], axis=1)
    scored["fold"] = fold.number
    return scored, {**note, **fitted.notes, "test_signals": len(sig_t)}


def _predict(prep: Prepared, primary: PrimaryModel, mask: np.ndarray) -> pd.DataFrame:
    rows = np.flatnonzero(mask)
    pred = primary.predict(prep.frame.iloc[rows]).reset_index(drop=True)
    pred["row"] = rows
    return pred


def _block_signals(
    prep: Prepared, pred: pd.DataFrame, mask: np.ndarray, cut: float
) -> pd.DataFrame:
    """Rule signals in the block plus ML signals (edge above the cut), primary-scored."""
    ml_rows = pred[(pred["edge_pct"] > max(cut, 0.0)) & (pred["direction"] == 1)]
    ml = _with_outcomes(
        pd.DataFrame(
            {"row": ml_rows["row"].to_numpy(), "strategy": str(Strategy.ML), "direction": 1}
        ),
        prep.outcomes,
        prep.frame["symbol"].to_numpy(),
    )
    rules = prep.rules[mask[prep.rules["row"].to_numpy()]]
    sig = pd.concat([rules, ml], ignore_index=True)
    sig = sig[sig["entry_idx"] == sig["row"] + 1]  # enterable at the next open
    scores = pred.set_index("row").loc[sig["row"], ["p_tp", "p_sl", "edge_pct"]]
    out: pd.DataFrame = pd.concat(
        [sig.reset_index(drop=True), scores.reset_index(drop=True)], axis=1
    )
    return out
