"""Rule strategies, threshold choice (precision first) and the meta factor scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.enums import Direction, Stance
from core.errors import ValidationError
from tools.signals.meta import (
    FACTORS,
    META_FEATURES,
    NO_TRUST,
    choose_threshold,
    fit_meta,
    rationale,
)
from tools.signals.rules import (
    RuleParams,
    event_direction,
    event_driven_ok,
    mean_reversion,
    momentum,
    rule_signals,
    thesis,
)


def _feats(**cols: list[float]) -> pd.DataFrame:
    base = {
        "momentum_5d": [1.0],
        "momentum_10d": [0.0],
        "momentum_20d": [8.0],
        "rsi_14": [60.0],
        "atr_percent": [2.0],
        "regime_label": ["LOW_VOL"],
    }
    base.update(cols)
    return pd.DataFrame(base)


def test_momentum_fires_only_inside_its_band() -> None:
    assert momentum(_feats()).tolist() == [True]
    assert momentum(_feats(rsi_14=[80.0])).tolist() == [False]  # exhausted
    assert momentum(_feats(momentum_20d=[3.0])).tolist() == [False]
    assert momentum(_feats(momentum_5d=[-1.0])).tolist() == [False]
    assert momentum(_feats(rsi_14=[np.nan])).tolist() == [False]


def test_mean_reversion_long_and_short() -> None:
    long_, short = mean_reversion(_feats(rsi_14=[25.0], momentum_10d=[-8.0]))
    assert (long_.tolist(), short.tolist()) == ([True], [False])
    long_, short = mean_reversion(_feats(rsi_14=[85.0]))
    assert (long_.tolist(), short.tolist()) == ([False], [True])


def test_rule_signals_and_thesis_name_the_drivers() -> None:
    f = pd.concat([_feats(), _feats(rsi_14=[25.0], momentum_10d=[-8.0])], ignore_index=True)
    sig = rule_signals(f)
    assert sorted(zip(sig["row"], sig["strategy"], strict=True)) == [
        (0, "momentum"),
        (1, "mean_reversion"),
    ]
    bullets = thesis("momentum", 1, f.iloc[0].to_dict())
    assert "20-day momentum +8.0%" in bullets[0]


def test_event_direction_and_gap_chase() -> None:
    assert event_direction(Stance.BULLISH, 0.9) == Direction.LONG
    assert event_direction(Stance.BEARISH, 0.9) == Direction.SHORT
    assert event_direction(Stance.BULLISH, 0.2) is None
    assert event_direction(Stance.NEUTRAL, 0.9) is None
    p = RuleParams(event_max_adverse_gap_pct=3.0)
    assert event_driven_ok(Direction.LONG, 2.0, p)
    assert not event_driven_ok(Direction.LONG, 5.0, p)
    assert event_driven_ok(Direction.SHORT, 5.0, p)


def test_threshold_prefers_trustworthy_precision_over_lucky_picks() -> None:
    # Top 2 scores are hits (100 % on 2), the next 40 are 80 % hits, the rest misses.
    prob = np.r_[[0.99, 0.98], np.linspace(0.9, 0.6, 40), np.linspace(0.5, 0.1, 60)]
    y = np.r_[[1, 1], np.tile([1, 1, 1, 1, 0], 8), np.zeros(60)]
    t = choose_threshold(prob, y, min_selected=10)
    # Keeps the strong block (the last of the 40 is a miss, so it stops one short), not just
    # the 2 lucky top picks.
    assert int((prob >= t).sum()) == 41


def test_threshold_without_lift_trusts_nothing() -> None:
    rng = np.random.default_rng(1)
    prob, y = rng.random(500), rng.random(500) < 0.3  # scores carry no information
    assert choose_threshold(prob, y, 30, require_lift=True) == NO_TRUST
    assert choose_threshold(prob, y, 30, require_lift=False) < 1.0


def test_threshold_needs_data() -> None:
    with pytest.raises(ValidationError):
        choose_threshold([], [])


def test_meta_learns_and_reports_factor_scores() -> None:
    rng = np.random.default_rng(0)
    n = 3000
    x = pd.DataFrame(rng.normal(size=(n, len(META_FEATURES))), columns=list(META_FEATURES))
    y = (x["regime_code"] + 0.3 * rng.normal(size=n) > 0.5).astype(int)
    m = fit_meta(x[:2000], y[:2000], x[2000:], y[2000:], min_selected=30)
    out = m.assess(x[2000:])
    chosen = out["is_trustworthy"].to_numpy()
    assert y[2000:][chosen].mean() > 0.85 > y[2000:].mean()
    assert {f"{f}_score" for f in FACTORS} <= set(out.columns)
    # regime_code drives the outcome, so the regime factor separates hits from misses.
    assert (
        out.loc[y[2000:] == 1, "regime_score"].mean()
        > out.loc[y[2000:] == 0, "regime_score"].mean() + 0.2
    )
    assert "regime helps" in rationale(out.iloc[int(np.argmax(out["quality_score"]))], m.threshold)


def test_research_frame_refuses_misaligned_bars() -> None:
    from tools.signals.dataset import research_frame

    ts = pd.date_range("2020-01-01", periods=5, freq="D", tz="UTC")
    feats = pd.DataFrame(
        {
            "symbol": "A",
            "ts": ts,
            "momentum_5d": 1.0,
            "momentum_10d": 1.0,
            "momentum_20d": 1.0,
            "atr_14d": 1.0,
            "atr_percent": 1.0,
            "rsi_14": 50.0,
            "gap_percent": 0.0,
            "realized_vol_20d": 20.0,
            "adv_20d_inr": 1e9,
            "close": 100.0,
        }
    )
    bars = pd.DataFrame(
        {"symbol": "A", "ts": ts + pd.Timedelta(hours=1), "open": 100.0, "high": 101.0, "low": 99.0}
    )
    with pytest.raises(ValidationError) as err:
        research_frame(feats, bars)
    assert err.value.field == "bars"
    ok = research_frame(feats, bars.assign(ts=ts))
    assert ok["open"].notna().all()
    assert ok["breadth"].tolist() == [1.0] * 5
