"""Own the meta-labeler: a LightGBM classifier that, given a primary signal and its regime,
liquidity, crowding and timing context, predicts whether the take-profit is hit first.

The decision threshold is chosen on held-out validation signals for precision first: the
threshold maximising the Wilson lower bound of precision (so a handful of lucky picks cannot win)
among thresholds that keep at least `min_selected` signals. With `require_lift`, when even that
bound does not beat the validation base rate the filter has shown no credible information and
the threshold is set above any probability: nothing is trusted (the desk stays out rather than
rubber-stamping). Factor scores are the per-group sums
of the booster's SHAP contributions squashed to 0..1 (0.5 = neutral, above = helps).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import pandas as pd

from core.enums import Strategy
from core.errors import ValidationError
from tools.backtest.metrics import wilson_lower
from tools.signals.dataset import feature_matrix

META_GROUPS: dict[str, tuple[str, ...]] = {
    "signal": ("strategy_code", "direction", "p_tp", "p_sl", "edge_pct"),
    "regime": ("regime_code", "realized_vol_20d", "atr_percent", "mkt_mom20", "breadth"),
    "liquidity": ("log_adv", "liq_code"),
    "crowding": ("rsi_14", "mom20_rank", "mom5_rank", "momentum_20d", "consensus"),
    "timing": ("gap_percent", "gap_filled", "dow", "momentum_5d"),
}
META_FEATURES: tuple[str, ...] = tuple(c for cols in META_GROUPS.values() for c in cols)
FACTORS = ("regime", "liquidity", "crowding", "timing")
STRATEGY_CODES = {str(s): float(i) for i, s in enumerate(Strategy)}
LGB_META: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.03,
    "num_leaves": 15,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "verbose": -1,
    "num_threads": 1,
    "force_col_wise": True,
    "max_bin": 63,
    "seed": 11,
    "deterministic": True,
}
META_ROUNDS = 150
NO_TRUST = 1.01  # above any probability: the meta-labeler trusts nothing
LIFT_Z = 3.0


def meta_frame(f: pd.DataFrame, signals: pd.DataFrame) -> pd.DataFrame:
    """One row of meta features per signal (signals: row, strategy, direction, p_tp, p_sl,
    edge_pct). `consensus` is the share of the session's universe firing the same strategy and
    side: a crowded, consensus move."""
    rows = signals["row"].to_numpy()
    base = f.iloc[rows].reset_index(drop=True)
    sig = signals.reset_index(drop=True)
    out = pd.DataFrame(
        {
            "strategy_code": sig["strategy"].map(STRATEGY_CODES).astype("float64"),
            "direction": sig["direction"].astype("float64"),
            "p_tp": sig["p_tp"],
            "p_sl": sig["p_sl"],
            "edge_pct": sig["edge_pct"],
        }
    )
    universe = f.groupby("session")["symbol"].transform("size").to_numpy()[rows]
    key = [base["session"], sig["strategy"], sig["direction"]]
    same = sig.groupby(key)["row"].transform("size").to_numpy()
    base["consensus"] = same / universe
    for col in META_FEATURES:
        if col not in out.columns:
            out[col] = pd.to_numeric(base[col], errors="coerce").astype("float64")
    return feature_matrix(out, META_FEATURES)


def choose_threshold(
    prob: npt.ArrayLike, y: npt.ArrayLike, min_selected: int = 30, *, require_lift: bool = False
) -> float:
    """Threshold with the best Wilson lower bound of precision (ties: the lower threshold);
    NO_TRUST when `require_lift` and that bound does not exceed the base rate."""
    p, t = np.asarray(prob, dtype=float), np.asarray(y, dtype=bool)
    if len(p) == 0:
        raise ValidationError("no validation signals to choose a threshold on", field="signals")
    order = np.argsort(-p, kind="stable")
    hits = np.cumsum(t[order])
    n = np.arange(1, len(p) + 1)
    score = wilson_lower(hits, n)
    eligible = n >= min(min_selected, len(p))
    distinct = np.r_[p[order][1:] < p[order][:-1], True]  # cut only between different scores
    score = np.where(eligible & distinct, score, -1.0)
    best = int(np.argmax(score))
    # The cut was picked by scanning many thresholds, so the gate asks for a stricter bound
    # (z = 3) than the one used to rank them: chance winners of the scan must not pass.
    if require_lift and wilson_lower(hits[best], n[best], z=LIFT_Z)[()] <= t.mean():
        return NO_TRUST
    return float(p[order][best])


@dataclass
class MetaModel:
    """Booster, chosen threshold and the validation figures it was chosen on."""

    booster: lgb.Booster
    threshold: float
    features: tuple[str, ...] = META_FEATURES
    metrics: dict[str, Any] = field(default_factory=dict)

    def proba(self, x: pd.DataFrame) -> npt.NDArray[np.float64]:
        return np.asarray(self.booster.predict(x[list(self.features)]), dtype=np.float64)

    def assess(self, x: pd.DataFrame, *, factors: bool = True) -> pd.DataFrame:
        """quality_score, is_trustworthy and (unless factors=False) the four factor scores."""
        q = self.proba(x)
        out = pd.DataFrame(
            {"quality_score": q, "is_trustworthy": q >= self.threshold}, index=x.index
        )
        if not factors:
            return out
        contrib = np.asarray(self.booster.predict(x[list(self.features)], pred_contrib=True))
        for name in FACTORS:
            idx = [self.features.index(c) for c in META_GROUPS[name]]
            out[f"{name}_score"] = 1 / (1 + np.exp(-contrib[:, idx].sum(axis=1)))
        return out


def rationale(row: pd.Series, threshold: float) -> str:
    """One line saying why a signal was (not) trusted, from its factor scores."""
    verdict = "trusted" if row["is_trustworthy"] else "not trusted"
    if threshold >= NO_TRUST:
        verdict = "not trusted: this model showed no credible lift on validation data"
    parts = []
    for name in FACTORS:
        s = float(row[f"{name}_score"])
        word = "helps" if s > 0.55 else "hurts" if s < 0.45 else "neutral"
        parts.append(f"{name} {word} ({s:.2f})")
    cut = f"threshold {threshold:.2f}" if threshold < NO_TRUST else "no threshold"
    return f"P(TP first) {row['quality_score']:.2f} vs {cut}: {verdict}; " + ", ".join(parts)


def fit_meta(
    x_train: pd.DataFrame,
    y_train: npt.ArrayLike,
    x_val: pd.DataFrame,
    y_val: npt.ArrayLike,
    *,
    min_selected: int = 30,
    rounds: int = META_ROUNDS,
    require_lift: bool = True,
) -> MetaModel:
    """Train on one block of signals, pick the threshold on the next (purged) block."""
    yt = np.asarray(y_train, dtype=float)
    if len(yt) < 50 or len(np.unique(yt)) < 2:
        raise ValidationError(
            f"need at least 50 training signals of both outcomes, got {len(yt)}", field="signals"
        )
    booster = lgb.train(
        LGB_META, lgb.Dataset(x_train[list(META_FEATURES)], label=yt), num_boost_round=rounds
    )
    model = MetaModel(booster, threshold=0.5)
    yv = np.asarray(y_val, dtype=bool)
    if len(yv) == 0:
        return model
    pv = model.proba(x_val)
    model.threshold = choose_threshold(pv, yv, min_selected, require_lift=require_lift)
    sel = pv >= model.threshold
    model.metrics = {
        "val_signals": len(yv),
        "val_base_rate": float(yv.mean()),
        "credible_lift": model.threshold < NO_TRUST,
        "val_selected": int(sel.sum()),
        "val_precision": float(yv[sel].mean()) if sel.any() else float("nan"),
    }
    return model
