"""Own the LightGBM primary model: per symbol and session, the probabilities that the take-profit
or the stop-loss barrier is hit first, the expected move (edge, %), direction and horizon.

One 3-class model per side (SL first / vertical / TP first) is trained on that side's
triple-barrier labels. Edge is the expectation over the three outcomes:
    edge% = P(TP)·k_tp·ATR% − P(SL)·k_sl·ATR% + P(vertical)·mean vertical return% (train-set).
Shorts are modelled only when asked (cash-equity delivery accounts cannot carry shorts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import pandas as pd

from core.errors import ValidationError
from tools.signals.dataset import PRIMARY_FEATURES, feature_matrix
from tools.signals.labels import BarrierConfig

LGB_PRIMARY: dict[str, Any] = {
    "objective": "multiclass",
    "num_class": 3,
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 200,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "verbose": -1,
    "num_threads": 1,
    "force_col_wise": True,
    "max_bin": 63,
    "seed": 7,
    "deterministic": True,
}
PRIMARY_ROUNDS = 120


@dataclass
class SideModel:
    """The 3-class booster of one side with the mean return of its vertical exits."""

    booster: lgb.Booster
    vertical_mean_ret_pct: float


@dataclass
class PrimaryModel:
    """Long (and optionally short) barrier-outcome models sharing one feature list."""

    cfg: BarrierConfig
    long: SideModel
    short: SideModel | None = None
    features: tuple[str, ...] = PRIMARY_FEATURES
    metrics: dict[str, Any] = field(default_factory=dict)

    def predict(self, f: pd.DataFrame) -> pd.DataFrame:
        """Columns p_tp, p_sl, edge_pct, direction (+1/−1), horizon_days per row of `f`."""
        x = feature_matrix(f, self.features)
        atr_pct = pd.to_numeric(f["atr_percent"], errors="coerce").to_numpy(dtype=np.float64)
        p_sl, p_v, p_tp = _proba(self.long.booster, x)
        edge = _edge(p_tp, p_sl, p_v, atr_pct, self.cfg, self.long.vertical_mean_ret_pct)
        out = pd.DataFrame(
            {"p_tp": p_tp, "p_sl": p_sl, "edge_pct": edge, "direction": 1}, index=f.index
        )
        if self.short is not None:
            s_sl, s_v, s_tp = _proba(self.short.booster, x)
            s_edge = _edge(s_tp, s_sl, s_v, atr_pct, self.cfg, self.short.vertical_mean_ret_pct)
            use_short = s_edge > np.maximum(edge, 0.0)
            out["p_tp"] = np.where(use_short, s_tp, p_tp)
            out["p_sl"] = np.where(use_short, s_sl, p_sl)
            out["edge_pct"] = np.where(use_short, s_edge, edge)
            out["direction"] = np.where(use_short, -1, 1)
        out["horizon_days"] = self.cfg.horizon_days
        return out

    def drivers(self, row: pd.DataFrame, top: int = 3) -> list[str]:
        """Thesis bullets: the features that pushed P(TP) up most for this one-row frame."""
        x = feature_matrix(row, self.features)
        contrib = self.long.booster.predict(x, pred_contrib=True)
        width = len(self.features) + 1
        tp_part = np.asarray(contrib)[0, 2 * width : 3 * width - 1]
        order = np.argsort(-np.abs(tp_part))[:top]
        return [
            f"{self.features[i]} = {x.iloc[0, i]:.2f} "
            f"{'raised' if tp_part[i] > 0 else 'lowered'} P(TP) ({tp_part[i]:+.2f} log-odds)"
            for i in order
        ]


def _proba(booster: lgb.Booster, x: pd.DataFrame) -> tuple[npt.NDArray[Any], ...]:
    p = np.asarray(booster.predict(x)).reshape(len(x), 3)
    return p[:, 0], p[:, 1], p[:, 2]


def _edge(
    p_tp: npt.NDArray[Any],
    p_sl: npt.NDArray[Any],
    p_v: npt.NDArray[Any],
    atr_pct: npt.NDArray[Any],
    cfg: BarrierConfig,
    vert_pct: float,
) -> npt.NDArray[Any]:
    return np.asarray(p_tp * cfg.k_tp * atr_pct - p_sl * cfg.k_sl * atr_pct + p_v * vert_pct)


def fit_side(x: pd.DataFrame, labels: pd.DataFrame, rounds: int = PRIMARY_ROUNDS) -> SideModel:
    """Train one side's 3-class booster on complete labels (label −1/0/+1 → class 0/1/2)."""
    if len(x) != len(labels):
        raise ValidationError("feature and label rows differ", field="labels")
    ok = labels["complete"].to_numpy(dtype=bool)
    if ok.sum() < 100:
        raise ValidationError(
            f"only {int(ok.sum())} complete labels to train on (need 100)", field="labels"
        )
    y = labels["label"].to_numpy()[ok] + 1
    ds = lgb.Dataset(x[ok], label=y, free_raw_data=True)
    booster = lgb.train(LGB_PRIMARY, ds, num_boost_round=rounds)
    vert = labels["ret"].to_numpy()[ok][y == 1]
    return SideModel(booster, float(100 * vert.mean()) if len(vert) else 0.0)


def fit_primary(
    f: pd.DataFrame,
    long_labels: pd.DataFrame,
    cfg: BarrierConfig,
    short_labels: pd.DataFrame | None = None,
    rounds: int = PRIMARY_ROUNDS,
) -> PrimaryModel:
    """Train the primary model on the rows of `f` that the label frames describe (same order)."""
    x = feature_matrix(f.iloc[long_labels["row"].to_numpy()], PRIMARY_FEATURES)
    long_side = fit_side(x.reset_index(drop=True), long_labels.reset_index(drop=True), rounds)
    short_side = None
    if short_labels is not None:
        xs = feature_matrix(f.iloc[short_labels["row"].to_numpy()], PRIMARY_FEATURES)
        short_side = fit_side(
            xs.reset_index(drop=True), short_labels.reset_index(drop=True), rounds
        )
    return PrimaryModel(cfg=cfg, long=long_side, short=short_side)


def strided_rows(f: pd.DataFrame, mask: npt.NDArray[np.bool_], stride: int) -> npt.NDArray[Any]:
    """Every `stride`-th session of each symbol under `mask`: overlapping triple-barrier labels
    are highly redundant, so sampling about once per half-horizon loses little and trains fast."""
    pos = f.groupby("symbol", sort=False).cumcount().to_numpy()
    return np.flatnonzero(mask & (pos % max(stride, 1) == 0))
