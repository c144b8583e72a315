"""Sizing and brackets, worked by hand."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from core.enums import Direction, OrderType
from tests.unit.alloc.factories import candidate, mandate
from tools.alloc.brackets import BracketError, make_bracket
from tools.alloc.sizing import SizingInput, kelly_fraction, size_limits, size_position


def _inp(**kw):
    base = SizingInput(equity_inr=Decimal("1000000"), risk_per_trade_pct=1.0,
                       entry=Decimal("1000"), per_share_risk=Decimal("30"), reward_risk=2.0,
                       tp_probability=0.55, sl_probability=0.30, volatility_pct=25.0,
                       objective="BALANCED", max_positions=4, sector_room_inr=Decimal("300000"),
                       cash_inr=Decimal("500000"), lot_size=1, adv_inr=5e9)
    return replace(base, **kw)


def test_limits_worked_by_hand():
    lim = size_limits(_inp())
    # vol target: 15 % / √4 = 7.5 % share; / 25 % vol = 0.30 of equity = ₹300 000 → 300 shares
    assert lim["vol_target"] == 300
    # Kelly: 0.55 − 0.30/2 = 0.40; ¼ → 10 % of equity at risk = ₹100 000 / ₹30 = 3 333
    assert lim["kelly"] == 3333
    # risk cap: 1 % of ₹10 lakh = ₹10 000 / ₹30 = 333
    assert lim["risk_cap"] == 333
    assert lim["sector_cap"] == 300
    assert lim["cash"] == 500
    assert lim["liquidity"] == 250_000


def test_smallest_rule_binds_and_lots_round_down():
    res = size_position(_inp(cash_inr=Decimal("123456"), lot_size=25))
    assert res.binding == "cash"
    assert res.quantity == 100  # 123 shares → 4 lots of 25
    assert "set by cash" in res.note()


def test_no_kelly_edge_means_no_trade():
    assert kelly_fraction(0.3, 0.6, 1.5) < 0
    assert size_position(_inp(tp_probability=0.3, sl_probability=0.6)).quantity == 0


def test_kelly_normalises_probabilities_above_one():
    assert kelly_fraction(0.8, 0.4, 2.0) == pytest.approx(0.8 / 1.2 - 0.4 / 1.2 / 2.0)


def test_long_bracket_on_tick_grid():
    b = make_bracket(candidate(ref_price=Decimal("1000.00"), atr=20.0), mandate())
    assert b.order_type == OrderType.LIMIT
    assert b.entry == Decimal("1000.00")
    assert b.stop == Decimal("970.00")  # 1.5 × ATR 20
    assert b.target == Decimal("1060.00")  # R:R = 3.0 / 1.5 = 2
    assert b.trailing is None


def test_playbook_chase_and_overrides_and_trailing():
    class PB:
        acceptable_gap_chase_percent = 0.5
        sl_multiplier_override = 1.0
        tp_multiplier_override = 2.5

    b = make_bracket(candidate(ref_price=Decimal("1234.56"), atr=10.0),
                     mandate(trailing_stop_enabled=True), PB())
    assert b.entry == Decimal("1240.70")  # 1234.56 × 1.005 = 1240.73 → tick 0.10 down
    assert b.stop == Decimal("1230.70")
    assert b.target == Decimal("1265.70")  # 10 × 2.5
    assert b.trailing == {"enabled": True, "method": "atr", "atr_multiple": 1.0,
                          "trailing_gap": "10.00", "activate_after_r": 1.0}


def test_liquid_names_without_playbook_enter_at_market():
    b = make_bracket(candidate(liquidity_regime="HIGH"), mandate())
    assert b.order_type == OrderType.MARKET


def test_short_bracket_mirrors():
    b = make_bracket(candidate(direction=Direction.SHORT, ref_price=Decimal("200.00"), atr=4.0),
                     mandate())
    assert (b.entry, b.stop, b.target) == (Decimal("200.00"), Decimal("206.00"),
                                           Decimal("188.00"))


def test_stop_never_beyond_twenty_percent():
    b = make_bracket(candidate(ref_price=Decimal("100.00"), atr=30.0), mandate())
    assert b.stop == Decimal("80.00")


@pytest.mark.parametrize("atr", [0.0, -1.0, float("nan")])
def test_unusable_atr_is_refused(atr):
    with pytest.raises(BracketError, match="ATR"):
        make_bracket(candidate(atr=atr), mandate())
