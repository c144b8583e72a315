"""Derivatives features from the real NSE F&O archive and option-chain snapshots, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.errors import FeedError, ValidationError
from tests.unit.features.conftest import DATA, make_bars
from tools.features.build import build_features
from tools.features.config import FeatureConfig
from tools.features.derivatives import combine_raw, derivative_features
from tools.features.nse_files import load_fo_archive, load_option_chain_snapshots
from tools.features.option_chain import StrikeRow, parse_chain, summarize_chain

FO_ROOT = DATA / "nse_archive" / "derivatives"


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return load_fo_archive(FO_ROOT)


def _row(frame: pd.DataFrame, symbol: str, day: str) -> pd.Series:
    hit = frame[(frame["symbol"] == symbol) & (frame["date"] == pd.Timestamp(day).date())]
    assert len(hit) == 1
    return hit.iloc[0]


def test_bhavcopy_values_match_the_files_by_hand(raw):
    feats = derivative_features(raw, FeatureConfig())
    d16 = _row(feats, "BHEL", "2025-12-16")
    # op16122025: PE OI 23,462,250 / CE OI 49,478,625; FOVOLT spot 279.35, near future 280.15.
    assert d16["pcr"] == pytest.approx(23462250 / 49478625)
    assert d16["futures_basis"] == pytest.approx((280.15 / 279.35 - 1) * 100)
    # 15th is the old bhavcopy (OI in contracts), 16th the new report (shares): no change.
    assert math.isnan(d16["oi_change_percent"])
    d17 = _row(feats, "BHEL", "2025-12-17")
    assert d17["oi_change_percent"] == pytest.approx((63735000 / 64535625 - 1) * 100)
    assert d17["pcr_delta"] == pytest.approx(24126375 / 51877875 - 23462250 / 49478625)
    d15 = _row(feats, "BHEL", "2025-12-15")
    assert d15["oi_change_percent"] == pytest.approx((24536 / 23501 - 1) * 100)
    assert math.isnan(d15["futures_basis"])  # no underlying close in that day's files
    assert math.isnan(d15["pcr"])  # no options file that day


def test_symbols_without_derivatives_stay_empty_not_zero(raw):
    rows = []
    for sym in ("BHEL", "NOFNO"):
        rows += [
            (sym, d, 280, 282, 276, 279 + i, 1000)
            for i, d in enumerate(
                ["2025-12-12", "2025-12-15", "2025-12-16", "2025-12-17", "2025-12-18", "2025-12-19"]
            )
        ]
    got = build_features(make_bars(rows), derivatives=raw).set_index(["symbol", "timestamp"])
    cols = ["iv_rank", "pcr", "pcr_delta", "oi_change_percent", "futures_basis"]
    assert got.loc["NOFNO", cols].isna().all().all()
    bhel = got.loc["BHEL"]
    # A row of session D carries the derivatives of D-1 (published after D-1's close).
    on_17th = bhel.iloc[3]
    assert on_17th["pcr"] == pytest.approx(23462250 / 49478625)
    assert on_17th["data_source"] == "CSV+FO"
    assert np.isnan(bhel.iloc[0]["pcr"])  # nothing before the 12th


def test_option_chain_snapshots_give_daily_pcr_and_iv_rank():
    snaps = load_option_chain_snapshots(DATA / "options" / "nifty_option_chain_snapshots.csv.gz")
    assert len(snaps) > 20
    assert (snaps["symbol"] == "NIFTY").all()
    feats = derivative_features(snaps, FeatureConfig())
    assert feats["pcr"].notna().all()
    ranked = feats["iv_rank"].dropna()
    assert ranked.between(0, 100).all()
    assert len(ranked) >= len(feats) - 2


def test_iv_rank_by_hand():
    raw = pd.DataFrame(
        {
            "symbol": "X",
            "date": pd.date_range("2025-01-01", periods=4).date,
            "atm_iv": [10.0, 20.0, 15.0, 30.0],
        }
    )
    got = derivative_features(raw, FeatureConfig(iv_rank_lookback=3))["iv_rank"].tolist()
    assert math.isnan(got[0])
    assert got[1:] == pytest.approx([100.0, 50.0, 100.0])


def test_zero_call_oi_gives_empty_pcr():
    raw = pd.DataFrame({"symbol": ["X"], "date": ["2025-01-01"], "put_oi": [5.0], "call_oi": [0.0]})
    assert math.isnan(derivative_features(raw, FeatureConfig())["pcr"].iloc[0])


def test_combine_raw_keeps_first_non_null_per_field(raw):
    snaps = pd.DataFrame(
        {"symbol": ["NIFTY"], "date": [pd.Timestamp("2025-12-16").date()], "atm_iv": [12.5]}
    )
    both = combine_raw(raw, snaps)
    row = _row(both, "NIFTY", "2025-12-16")
    assert row["atm_iv"] == 12.5
    assert row["fut_close"] == pytest.approx(25940.70)


def test_missing_symbol_column_is_named():
    with pytest.raises(ValidationError) as err:
        derivative_features(pd.DataFrame({"date": ["2025-01-01"]}), FeatureConfig())
    assert err.value.field == "symbol"


def test_chain_summary_uses_the_strike_nearest_spot():
    rows = [
        StrikeRow(25800, 25860.1, 100, 300, 11.0, 12.0),
        StrikeRow(25850, 25860.1, 200, 100, 10.0, 10.5),
        StrikeRow(25900, 25860.1, 300, 50, 9.0, 0.0),
    ]
    s = summarize_chain(rows)
    assert s == {"put_oi": 450, "call_oi": 600, "spot_close": 25860.1, "atm_iv": 10.25}


def test_chain_parse_rejects_malformed_strikes():
    with pytest.raises(FeedError):
        parse_chain([{"call_options": {}}])
    with pytest.raises(FeedError):
        parse_chain({"not": "a list"})
