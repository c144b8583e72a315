"""Own the market volatility regime: a trailing percentile of India VIX or universe realised vol.

The measure for a session is India VIX (close) when given for that date, else the cross-sectional
median of the universe's 20-session realised volatility. Each measure is ranked within its own
trailing window of sessions; the VIX rank wins where it exists. A row dated D carries the regime
of the previous session (D-1), which is fully known before D opens: this keeps the label free of
look-ahead and lets a live, bar-by-bar update agree exactly with a full recompute.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from core.enums import VolRegime
from tools.features.config import FeatureConfig


def market_measures(
    dates: np.ndarray, realized_vol: np.ndarray, vix: pd.Series | None = None
) -> pd.DataFrame:
    """Per session date (int days): the universe median realised vol and India VIX (or NaN)."""
    frame = pd.DataFrame({"date": dates, "rv": realized_vol})
    rv = frame.groupby("date", sort=True)["rv"].median()
    out = pd.DataFrame({"rv": rv})
    out["vix"] = np.nan
    if vix is not None and len(vix):
        out["vix"] = vix_by_day(vix).reindex(out.index).to_numpy()
    return out


def vix_by_day(vix: pd.Series) -> pd.Series:
    """India VIX closes keyed by int session day; accepts a date, datetime or int-day index."""
    idx = vix.index
    if pd.api.types.is_integer_dtype(idx):
        days = np.asarray(idx, dtype=np.int64)
    else:
        days = pd.to_datetime(idx).to_numpy().astype("datetime64[D]").astype(np.int64)
    values = pd.to_numeric(vix.to_numpy(), errors="coerce")
    return pd.Series(values, index=days).groupby(level=0).last()


def trailing_percentile(values: np.ndarray, lookback: int, min_periods: int) -> np.ndarray:
    """Share of the last `lookback` finite values (current included) that are <= the current one.

    NaN where the current value is NaN or fewer than `min_periods` finite values are in the window.
    """
    n = len(values)
    if n == 0:
        return np.zeros(0)
    padded = np.concatenate((np.full(lookback - 1, np.nan), values.astype(float)))
    win = sliding_window_view(padded, lookback)
    cur = values.astype(float)[:, None]
    finite = np.isfinite(win)
    count = finite.sum(axis=1)
    below = (finite & (win <= cur)).sum(axis=1)
    out = np.full(n, np.nan)
    ok = np.isfinite(values) & (count >= min_periods)
    out[ok] = below[ok] / count[ok]
    return out


def regime_labels(pct: np.ndarray, config: FeatureConfig) -> np.ndarray:
    """LOW_VOL at or below the low percentile, HIGH_VOL above the high one, else MED_VOL."""
    labels = np.select(
        [pct <= config.regime_low_pct, pct > config.regime_high_pct, np.isfinite(pct)],
        [VolRegime.LOW_VOL.value, VolRegime.HIGH_VOL.value, VolRegime.MED_VOL.value],
        default="",
    )
    out = labels.astype(object)
    out[labels == ""] = None
    return out


def session_regimes(measures: pd.DataFrame, config: FeatureConfig) -> pd.Series:
    """Regime label per session date: the previous session's percentile, VIX first."""
    rv_pct = trailing_percentile(
        measures["rv"].to_numpy(), config.regime_lookback, config.regime_min_periods
    )
    vix_pct = trailing_percentile(
        measures["vix"].to_numpy(), config.regime_lookback, config.regime_min_periods
    )
    pct = np.where(np.isfinite(vix_pct), vix_pct, rv_pct)
    labels = regime_labels(pct, config)
    prior = np.empty(len(labels), dtype=object)
    prior[:] = None
    prior[1:] = labels[:-1]
    return pd.Series(prior, index=measures.index, name="regime_label")


REGIME_LABELS = [VolRegime.LOW_VOL.value, VolRegime.MED_VOL.value, VolRegime.HIGH_VOL.value]


def label_rows(dates: np.ndarray, regimes: pd.Series) -> pd.Categorical[str]:
    """The session regime of every row, by its int session date."""
    per_day = pd.Categorical(regimes.to_numpy(), categories=REGIME_LABELS)
    idx = np.searchsorted(regimes.index.to_numpy(), dates)
    return pd.Categorical.from_codes(per_day.codes[idx], categories=pd.Index(REGIME_LABELS))
