"""Technical features against TA-Lib and an independent per-symbol pandas computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import talib

from core.errors import ValidationError
from tests.unit.features.conftest import make_bars
from tools.features.build import build_features
from tools.features.config import FeatureConfig
from tools.features.technical import DataQuality

TECH_FLOATS = [
    "momentum_5d",
    "momentum_10d",
    "momentum_20d",
    "atr_14d",
    "atr_percent",
    "rsi_14",
    "gap_percent",
    "realized_vol_20d",
    "adv_20d_inr",
]


def _reference_segments(bars: pd.DataFrame, cfg: FeatureConfig) -> pd.DataFrame:
    """Straightforward per-symbol pandas: drop untraded days, cut at jumps and holes."""
    df = bars.sort_values(["symbol", "ts"]).reset_index(drop=True)
    traded_before = df.groupby("symbol")["volume"].transform(
        lambda v: (v > 0).astype(int).cumsum().shift(1, fill_value=0)
    )
    df = df[~((df["volume"] == 0) & (traded_before > 0))].reset_index(drop=True)
    g = df.groupby("symbol")
    jump = np.log(df["close"] / g["close"].shift(1)).abs() > cfg.split_max_abs_log_return
    hole = (df["ts"] - g["ts"].shift(1)) > pd.Timedelta(days=cfg.max_gap_days)
    first = g.cumcount() == 0
    df["seg"] = (first | jump | hole).cumsum()
    return df


def _reference_features(df: pd.DataFrame) -> pd.DataFrame:
    out = []
    for _, s in df.groupby("seg", sort=True):
        c, h, lo, o = s["close"], s["high"], s["low"], s["open"]
        ref = pd.DataFrame({"symbol": s["symbol"], "ts": s["ts"]})
        for n in (5, 10, 20):
            ref[f"momentum_{n}d"] = (c / c.shift(n) - 1) * 100
        prev = c.shift(1)
        ref["gap_percent"] = (o / prev - 1) * 100
        ref["gap_filled"] = ((lo <= prev) & (h >= prev)).where(prev.notna())
        ref["rsi_14"] = talib.RSI(c.to_numpy(), 14) if len(s) > 14 else np.nan
        ref["atr_14d"] = (
            talib.ATR(h.to_numpy(), lo.to_numpy(), c.to_numpy(), 14) if len(s) > 14 else np.nan
        )
        ref["atr_percent"] = ref["atr_14d"] / c * 100
        ref["realized_vol_20d"] = np.log(c / prev).rolling(20).std() * np.sqrt(252) * 100
        ref["adv_20d_inr"] = (c * s["volume"]).rolling(20).mean()
        out.append(ref)
    return pd.concat(out).set_index(["symbol", "ts"]).sort_index()


@pytest.fixture(scope="module")
def nifty_result(nifty_bars: pd.DataFrame) -> tuple[pd.DataFrame, DataQuality]:
    q = DataQuality()
    return build_features(nifty_bars, quality=q), q


def test_rsi_and_atr_equal_talib_on_real_nifty50_history(nifty_bars, nifty_result):
    got, _ = nifty_result
    assert got["symbol"].nunique() == nifty_bars["symbol"].nunique() >= 49
    for sym, bars in nifty_bars.sort_values("ts").groupby("symbol"):
        mine = got[got["symbol"] == sym]
        c, h, lo = (bars[k].to_numpy() for k in ("close", "high", "low"))
        np.testing.assert_allclose(mine["rsi_14"], talib.RSI(c, 14), rtol=0, atol=1e-9)
        np.testing.assert_allclose(mine["atr_14d"], talib.ATR(h, lo, c, 14), rtol=0, atol=1e-9)


@pytest.mark.parametrize("dataset", ["nifty_bars", "long_history_bars"])
def test_every_technical_column_matches_plain_pandas(dataset, request):
    bars = request.getfixturevalue(dataset)
    cfg = FeatureConfig()
    got = build_features(bars, cfg).set_index(["symbol", "ts"]).sort_index()
    ref = _reference_features(_reference_segments(bars, cfg))
    assert got.index.equals(ref.index)
    for col in TECH_FLOATS:
        np.testing.assert_allclose(
            got[col].to_numpy(float),
            ref[col].to_numpy(float),
            rtol=1e-9,
            atol=1e-7,
            equal_nan=True,
            err_msg=col,
        )
    assert (
        got["gap_filled"].astype(object).fillna(-1) == ref["gap_filled"].astype(object).fillna(-1)
    ).all()


def test_no_nan_after_warm_up_on_real_data(long_history_bars):
    q = DataQuality()
    got = build_features(long_history_bars, quality=q)
    assert q.dropped["zero_volume"] > 0
    assert q.segment_breaks["split_sized_jump"] > 0
    warm = got.groupby("symbol").cumcount() >= 60
    # Rows right after a segment restart are legitimately empty; everything else must be set.
    after_restart = got["momentum_20d"].isna() & warm
    stable = warm & ~after_restart.groupby(got["symbol"]).transform(
        lambda s: s.rolling(25, min_periods=1).max().astype(bool)
    )
    assert stable.sum() > 0.9 * len(got)
    assert got.loc[stable, TECH_FLOATS].notna().all().all()
    assert got.loc[stable, "liquidity_regime"].notna().all()


def test_split_sized_jump_restarts_history_instead_of_a_fake_move():
    rows = [("X", f"2024-01-{d:02d}", 100, 101, 99, 100 + d % 3, 1000) for d in range(1, 26)]
    rows.append(("X", "2024-01-26", 51, 52, 50, 51, 2000))  # a 1:2 split
    q = DataQuality()
    got = build_features(make_bars(rows), quality=q)
    assert q.segment_breaks["split_sized_jump"] == 1
    split_row = got.iloc[-1]
    for col in ("momentum_5d", "gap_percent", "rsi_14"):
        assert np.isnan(split_row[col]), col
    assert pd.isna(split_row["gap_filled"])
    assert got.iloc[-2]["momentum_20d"] == pytest.approx((101 / 102 - 1) * 100)


def test_bad_rows_are_dropped_and_counted():
    rows = [("X", f"2024-01-{d:02d}", 100, 101, 99, 100, 1000) for d in range(1, 11)]
    rows[3] = ("X", "2024-01-04", 100, 101, 99, float("nan"), 1000)
    rows[5] = ("X", "2024-01-06", 100, 101, 99, 100, 0)
    rows[6] = ("X", "2024-01-07", 100, 98, 99, 100, 10)  # high below low
    rows.append(("X", "2024-01-10", 100, 101, 99, 100, 1000))  # duplicate
    q = DataQuality()
    got = build_features(make_bars(rows), quality=q)
    assert dict(q.dropped) == {"invalid_price": 2, "zero_volume": 1, "duplicate": 1}
    assert len(got) == 7
    assert got["close"].notna().all()


def test_an_index_without_volume_keeps_its_rows():
    rows = [("NIFTY 50", f"2024-01-{d:02d}", 100, 101, 99, 100 + d, 0) for d in range(1, 31)]
    got = build_features(make_bars(rows))
    assert len(got) == 30
    assert got["adv_20d_inr"].iloc[-1] == 0
    assert got["liquidity_regime"].iloc[-1] == "LOW"


def test_long_hole_restarts_history():
    rows = [("X", f"2024-01-{d:02d}", 100, 101, 99, 100, 1000) for d in range(1, 8)]
    rows += [("X", f"2024-03-{d:02d}", 100, 101, 99, 100, 1000) for d in range(1, 8)]
    q = DataQuality()
    got = build_features(make_bars(rows), quality=q)
    assert q.segment_breaks["data_hole"] == 1
    assert np.isnan(got.iloc[7]["gap_percent"])
    assert got.iloc[-1]["momentum_5d"] == 0


def test_liquidity_thresholds_come_from_config(nifty_bars):
    bars = nifty_bars[nifty_bars["symbol"].isin(["TCS", "INFY"])]
    default = build_features(bars)
    strict = build_features(bars, FeatureConfig(liquidity_high_inr=1e15, liquidity_medium_inr=1e14))
    assert set(default["liquidity_regime"].dropna()) == {"HIGH"}
    assert set(strict["liquidity_regime"].dropna()) == {"LOW"}


def test_shuffled_input_gives_the_same_result(nifty_bars):
    bars = nifty_bars[nifty_bars["symbol"].isin(["TCS", "INFY", "ITC"])]
    a = build_features(bars)
    b = build_features(bars.sample(frac=1.0, random_state=7))
    pd.testing.assert_frame_equal(a, b)


def test_timestamps_are_the_session_close_and_units_are_percent():
    rows = [("X", f"2024-01-{d:02d}", 100, 102, 99, 100 + d, 1000) for d in range(1, 8)]
    got = build_features(make_bars(rows))
    first = got.iloc[0]
    assert first["timestamp"] == pd.Timestamp("2024-01-01 10:00", tz="UTC")  # 15:30 IST
    assert first["ts"] == pd.Timestamp("2024-01-01 03:45", tz="UTC")  # 09:15 IST
    assert got.iloc[5]["momentum_5d"] == pytest.approx((106 / 101 - 1) * 100)
    assert got.iloc[1]["gap_percent"] == pytest.approx((100 / 101 - 1) * 100)


@pytest.mark.parametrize(("drop", "field"), [("close", "close"), ("ts", "ts")])
def test_missing_columns_name_the_field(drop, field):
    rows = [("X", "2024-01-01", 100, 101, 99, 100, 1000)]
    with pytest.raises(ValidationError) as err:
        build_features(make_bars(rows).drop(columns=drop))
    assert err.value.field == field


def test_naive_timestamps_are_refused():
    bars = make_bars([("X", "2024-01-01", 100, 101, 99, 100, 1000)])
    bars["ts"] = bars["ts"].dt.tz_localize(None)
    with pytest.raises(ValidationError) as err:
        build_features(bars)
    assert err.value.field == "ts"


def test_config_rejects_inverted_thresholds():
    with pytest.raises(ValidationError):
        FeatureConfig(regime_low_pct=0.8, regime_high_pct=0.2)
    with pytest.raises(ValidationError):
        FeatureConfig(liquidity_high_inr=1, liquidity_medium_inr=2)


def test_empty_or_all_bad_input_gives_an_empty_frame_with_every_column():
    from tools.features.build import OUTPUT_COLUMNS

    bars = make_bars([("X", "2024-01-01", 100, 101, 99, -1, 10)])
    for frame in (bars, bars.iloc[:0]):
        got = build_features(frame)
        assert got.empty
        assert tuple(got.columns) == OUTPUT_COLUMNS
