"""Own the research frame: feature rows aligned with their bars, cross-sectional context columns
and triple-barrier outcomes per (row, direction). Pure pandas/numpy, no I/O.

The feature rows come from `tools.features.build.build_features` (one per symbol and session, as
of that session's close). Context columns (market breadth, cross-sectional momentum rank, ...)
use only same-session values of the other symbols, so they are known at the close too.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.clock import IST
from core.errors import ValidationError
from tools.signals.labels import BarrierConfig, PriceArrays, triple_barrier

REQUIRED_FEATURES = (
    "symbol",
    "ts",
    "momentum_5d",
    "momentum_10d",
    "momentum_20d",
    "atr_14d",
    "atr_percent",
    "rsi_14",
    "gap_percent",
    "realized_vol_20d",
    "adv_20d_inr",
)
REGIME_CODES = {"LOW_VOL": 0.0, "MED_VOL": 1.0, "HIGH_VOL": 2.0}
LIQUIDITY_CODES = {"LOW": 0.0, "MEDIUM": 1.0, "HIGH": 2.0}
PRIMARY_FEATURES = (
    "momentum_5d",
    "momentum_10d",
    "momentum_20d",
    "atr_percent",
    "rsi_14",
    "gap_percent",
    "gap_filled",
    "realized_vol_20d",
    "log_adv",
    "regime_code",
    "liq_code",
    "mkt_mom20",
    "breadth",
    "mom20_rank",
    "mom5_rank",
)


def research_frame(features: pd.DataFrame, bars: pd.DataFrame | None = None) -> pd.DataFrame:
    """Features sorted by (symbol, ts) with open/high/low/close and the context columns added.

    `bars` supplies any of open/high/low/close the feature frame lacks (joined on symbol, ts).
    """
    missing = [c for c in REQUIRED_FEATURES if c not in features.columns]
    if missing:
        raise ValidationError(f"feature frame lacks columns {missing}", field="features")
    f = features.copy()
    f["ts"] = pd.to_datetime(f["ts"], utc=True)
    need = [c for c in ("open", "high", "low", "close") if c not in f.columns]
    if need:
        if bars is None:
            raise ValidationError(f"need bars for {need}", field="bars")
        b = bars[["symbol", "ts", *need]].copy()
        b["ts"] = pd.to_datetime(b["ts"], utc=True)
        f = f.merge(
            b.drop_duplicates(["symbol", "ts"], keep="last"), on=["symbol", "ts"], how="left"
        )
        unmatched = float(f[need].isna().any(axis=1).mean()) if len(f) else 0.0
        if unmatched > 0.05:
            raise ValidationError(
                f"{unmatched:.0%} of feature rows have no bar with the same symbol and ts",
                field="bars",
            )
    f = f.sort_values(["symbol", "ts"], kind="stable").reset_index(drop=True)
    return add_context(f)


def add_context(f: pd.DataFrame) -> pd.DataFrame:
    """Add log ADV, regime/liquidity codes and same-session cross-sectional columns."""
    out = f.copy()
    out["log_adv"] = np.log10(pd.to_numeric(out["adv_20d_inr"], errors="coerce").clip(lower=1.0))
    out["regime_code"] = _codes(out, "regime_label", REGIME_CODES)
    out["liq_code"] = _codes(out, "liquidity_regime", LIQUIDITY_CODES)
    if "gap_filled" not in out.columns:
        out["gap_filled"] = np.nan
    out["gap_filled"] = pd.to_numeric(out["gap_filled"], errors="coerce").astype("float64")
    day = out["ts"].dt.tz_convert(IST).dt.normalize()
    m20 = pd.to_numeric(out["momentum_20d"], errors="coerce")
    by_day = m20.groupby(day)
    out["mkt_mom20"] = by_day.transform("median")
    out["breadth"] = (m20 > 0).astype(float).where(m20.notna()).groupby(day).transform("mean")
    out["mom20_rank"] = by_day.rank(pct=True)
    out["mom5_rank"] = (
        pd.to_numeric(out["momentum_5d"], errors="coerce").groupby(day).rank(pct=True)
    )
    out["dow"] = day.dt.dayofweek.astype(float)
    out["session"] = day
    return out


def _codes(f: pd.DataFrame, col: str, codes: dict[str, float]) -> pd.Series:
    if col not in f.columns:
        return pd.Series(np.nan, index=f.index)
    return f[col].map(codes).astype("float64")


def price_arrays(f: pd.DataFrame) -> PriceArrays:
    """Concatenated price arrays of a research frame with each row's symbol end index."""
    sym = f["symbol"].to_numpy()
    n = len(f)
    change = np.r_[sym[1:] != sym[:-1], True] if n else np.zeros(0, dtype=bool)
    ends = np.flatnonzero(change)
    end_idx = np.repeat(ends, np.diff(np.r_[-1, ends])) if n else np.zeros(0, dtype=np.int64)
    o, h, lo, c = (f[c].to_numpy(dtype=np.float64) for c in ("open", "high", "low", "close"))
    return PriceArrays(o, h, lo, c, end_idx=end_idx.astype(np.int64))


def label_rows(
    f: pd.DataFrame,
    prices: PriceArrays,
    rows: npt.ArrayLike,
    direction: npt.ArrayLike,
    cfg: BarrierConfig,
) -> pd.DataFrame:
    """Triple-barrier outcome of entering at the next open after each row; rows whose next bar
    is another symbol's, or whose ATR is unknown, come back with complete=False."""
    r = np.asarray(rows, dtype=np.int64)
    d = np.asarray(direction, dtype=np.float64) * np.ones(len(r))
    atr = pd.to_numeric(f["atr_14d"], errors="coerce").to_numpy(dtype=np.float64)[r]
    enterable = (r < prices.end_idx[r]) & np.isfinite(atr) & (atr > 0)
    enterable &= np.isfinite(prices.open[np.minimum(r + 1, len(prices.open) - 1)])
    entry = np.where(enterable, r + 1, r)
    out = triple_barrier(prices, entry, np.where(enterable, atr, 1.0), d, cfg)
    ts = f["ts"].reset_index(drop=True)
    return pd.DataFrame(
        {
            "row": r,
            "direction": d.astype(np.int64),
            "label": out.label,
            "ret": out.ret,
            "holding_days": out.holding_days,
            "entry_idx": entry,
            "exit_idx": out.exit_idx,
            "entry_price": out.entry_price,
            "exit_price": out.exit_price,
            "gap_exit": out.gap_exit,
            "t0": ts.array[r],
            "t1": ts.array[out.exit_idx],
            "complete": out.complete & enterable,
        }
    )


def feature_matrix(f: pd.DataFrame, columns: tuple[str, ...] = PRIMARY_FEATURES) -> pd.DataFrame:
    """The float matrix a model reads (NaN where unknown; LightGBM handles missing values)."""
    return pd.DataFrame(
        {c: pd.to_numeric(f[c], errors="coerce").astype("float64") for c in columns}, index=f.index
    )
