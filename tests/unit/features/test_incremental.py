"""Bar-by-bar updates must equal a full recompute (real data and random streams with bad bars)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.domain import Bar
from core.errors import ValidationError
from tests.unit.features.conftest import DATA, make_bars
from tools.features.build import OUTPUT_COLUMNS, build_features
from tools.features.config import FeatureConfig
from tools.features.incremental import IncrementalFeatures
from tools.features.nse_files import load_fo_archive, load_vix_daily


def _bars(frame: pd.DataFrame) -> list[Bar]:
    frame = frame.sort_values(["ts", "symbol"], kind="stable")
    return [
        Bar(
            symbol=r.symbol,
            exchange=r.exchange,
            interval="1d",
            ts=r.ts.to_pydatetime(),
            open=r.open,
            high=r.high,
            low=r.low,
            close=r.close,
            volume=int(r.volume),
        )
        for r in frame.itertuples()
    ]


def _replay(history: pd.DataFrame, new: pd.DataFrame, **kw) -> pd.DataFrame:
    inc = IncrementalFeatures.from_history(history, **kw)
    rows = [inc.update(b, source="CSV") for b in _bars(new)]
    return pd.DataFrame([r for r in rows if r is not None])


def _assert_same(got: pd.DataFrame, full: pd.DataFrame) -> None:
    got = got.set_index(["symbol", "ts"]).sort_index()
    exp = full.set_index(["symbol", "ts"]).loc[got.index]
    for col in OUTPUT_COLUMNS:
        if col in ("symbol", "ts"):
            continue
        a, b = got[col], exp[col]
        if pd.api.types.is_float_dtype(b):
            np.testing.assert_allclose(
                a.to_numpy(float),
                b.to_numpy(float),
                rtol=1e-9,
                atol=1e-7,
                equal_nan=True,
                err_msg=col,
            )
        else:
            left = a.astype(object).where(a.notna(), None).tolist()
            right = b.astype(object).where(b.notna(), None).tolist()
            assert left == right, col


def _split(bars: pd.DataFrame, frac: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    cut = bars["ts"].sort_values().iloc[int(len(bars) * frac)]
    return bars[bars["ts"] < cut], bars[bars["ts"] >= cut]


def test_replay_equals_full_recompute_on_real_history(long_history_bars):
    bars = long_history_bars[long_history_bars["ts"] >= "2012-01-01"]
    full = build_features(bars)
    history, new = _split(bars, 0.8)
    got = _replay(history, new)
    assert len(got) == (full["ts"] >= new["ts"].min()).sum()
    _assert_same(got, full)


def test_replay_with_vix_and_derivatives_equals_full(nifty_bars):
    vix = load_vix_daily(DATA / "index" / "indiavix_daily_2023_2024.csv")
    cfg = FeatureConfig(regime_min_periods=20)
    raw = load_fo_archive(DATA / "nse_archive" / "derivatives")
    # Re-date the five archive days onto the last five sessions of the bars, to exercise joins.
    days = sorted(nifty_bars["ts"].dt.tz_convert("Asia/Kolkata").dt.date.unique())[-6:-1]
    raw["date"] = raw["date"].map(dict(zip(sorted(raw["date"].unique()), days, strict=True)))
    full = build_features(nifty_bars, cfg, derivatives=raw, vix=vix)
    history, new = _split(nifty_bars, 0.97)
    got = _replay(history, new, config=cfg, derivatives=raw, vix=vix)
    assert got["pcr"].notna().any()
    assert got["regime_label"].notna().all()
    _assert_same(got, full)


@pytest.mark.parametrize("seed", range(6))
def test_random_streams_with_bad_bars_equal_full(seed):
    rng = np.random.default_rng(seed)
    rows = []
    for sym in ("A", "B", "C"):
        price = 100.0
        for day in pd.bdate_range("2023-01-02", periods=int(rng.integers(30, 90))):
            if rng.random() < 0.05:
                continue  # missing day
            move = rng.normal(0, 0.02) if rng.random() > 0.03 else np.log(0.5)  # split
            price *= float(np.exp(move))
            hi, lo = price * (1 + rng.random() * 0.02), price * (1 - rng.random() * 0.02)
            vol = 0 if rng.random() < 0.05 else int(rng.integers(1, 10**6))
            rows.append(
                (
                    sym,
                    day.strftime("%Y-%m-%d"),
                    price * (1 + rng.normal(0, 0.005)),
                    hi,
                    lo,
                    price,
                    vol,
                )
            )
    bars = make_bars(rows)
    cfg = FeatureConfig(regime_lookback=30, regime_min_periods=5, max_gap_days=4)
    full = build_features(bars, cfg)
    history, new = _split(bars, float(rng.uniform(0.0, 0.8)))
    got = _replay(history, new, config=cfg)
    _assert_same(got, full)


def test_out_of_order_bar_is_refused():
    bars = _bars(
        make_bars(
            [("X", "2024-01-02", 100, 101, 99, 100, 10), ("X", "2024-01-01", 100, 101, 99, 100, 10)]
        )
    )
    inc = IncrementalFeatures()
    inc.update(bars[1])
    with pytest.raises(ValidationError):
        inc.update(bars[0])


def test_bad_bar_returns_none_and_changes_nothing():
    good, bad = _bars(
        make_bars(
            [("X", "2024-01-01", 100, 101, 99, 100, 10), ("X", "2024-01-02", 100, 99, 101, 100, 10)]
        )
    )
    inc = IncrementalFeatures()
    assert inc.update(good) is not None
    assert inc.update(bad) is None
