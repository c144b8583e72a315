"""Volatility regime against an independent pandas computation; VIX override; config thresholds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tools.features.build import build_features
from tools.features.config import FeatureConfig
from tools.features.regimes import trailing_percentile


def _reference_regime(got: pd.DataFrame, cfg: FeatureConfig, vix: pd.Series | None = None):
    day = got["ts"].dt.tz_convert("Asia/Kolkata").dt.date
    measure = got.groupby(day)["realized_vol_20d"].median()

    def pct(series: pd.Series) -> pd.Series:
        return series.rolling(cfg.regime_lookback, min_periods=1).apply(
            lambda w: (
                (w[~np.isnan(w)] <= w[-1]).mean()
                if np.isfinite(w[-1]) and np.isfinite(w).sum() >= cfg.regime_min_periods
                else np.nan
            ),
            raw=True,
        )

    p = pct(measure)
    if vix is not None:
        p = pct(vix.reindex(measure.index)).fillna(p)
    label = pd.cut(
        p,
        [-np.inf, cfg.regime_low_pct, cfg.regime_high_pct, np.inf],
        labels=["LOW_VOL", "MED_VOL", "HIGH_VOL"],
    ).astype(object)
    prior = label.shift(1)
    return day.map(prior.where(prior.notna(), None))


def test_regime_matches_pandas_rolling_rank(nifty_bars):
    cfg = FeatureConfig()
    got = build_features(nifty_bars, cfg)
    ref = _reference_regime(got, cfg)
    mine = got["regime_label"].astype(object)
    assert (mine.fillna("-") == ref.astype(object).fillna("-")).all()
    assert set(mine.dropna()) == {"LOW_VOL", "MED_VOL", "HIGH_VOL"}


def test_india_vix_wins_where_available(nifty_bars, request):
    from tests.unit.features.conftest import DATA
    from tools.features.nse_files import load_vix_daily

    vix = load_vix_daily(DATA / "index" / "indiavix_daily_2023_2024.csv")
    cfg = FeatureConfig(regime_min_periods=20)
    got = build_features(nifty_bars, cfg, vix=vix)
    ref = _reference_regime(got, cfg, vix)
    assert (got["regime_label"].astype(object).fillna("-") == ref.astype(object).fillna("-")).all()
    plain = build_features(nifty_bars, cfg)
    in_2023 = got["ts"].dt.year == 2023
    assert (got.loc[in_2023, "regime_label"] != plain.loc[in_2023, "regime_label"]).any()


def test_regime_percentiles_come_from_config(nifty_bars):
    bars = nifty_bars[nifty_bars["symbol"].isin(["TCS", "INFY", "ITC"])]
    wide_med = build_features(bars, FeatureConfig(regime_low_pct=0.01, regime_high_pct=0.99))
    labels = wide_med["regime_label"].value_counts()
    assert labels["MED_VOL"] > 0.9 * labels.sum()


def test_trailing_percentile_by_hand():
    values = np.array([3.0, 1.0, np.nan, 2.0, 1.5])
    got = trailing_percentile(values, lookback=3, min_periods=2)
    assert np.isnan(got[0])
    assert np.isnan(got[2])
    assert got[1] == pytest.approx(0.5)  # {3,1}: 1 is the lowest of two
    assert got[3] == pytest.approx(1.0)  # {1,nan,2}: both finite values are <= 2
    assert got[4] == pytest.approx(0.5)  # {nan,2,1.5}: only 1.5 itself is <= 1.5
