"""The fill model: slippage against the trader and the real charge schedule, worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.enums import Product, Side
from core.errors import ValidationError
from tools.backtest.fills import FillModel


def test_slippage_moves_price_against_trader() -> None:
    fm = FillModel(slippage_bps=10, stop_extra_bps=10)
    assert fm.fill_price(Side.BUY, 1000.0) == Decimal("1001.00")
    assert fm.fill_price(Side.SELL, 1000.0) == Decimal("999.00")
    assert fm.fill_price(Side.SELL, 1000.0, stop=True) == Decimal("998.00")


def test_round_trip_delivery_costs_by_hand() -> None:
    fm = FillModel(slippage_bps=0, stop_extra_bps=0)
    rt = fm.round_trip(100, 1000.0, 1100.0)
    # Buy ₹1,00,000: brokerage 20, STT 100, exch 2.97, SEBI 0.10, stamp 15, GST 18% of 23.07=4.15
    # Sell ₹1,10,000: brokerage 20, STT 110, exch 3.27, SEBI 0.11, DP 20, GST 18% of 43.38=7.81
    assert rt.charges_inr == Decimal("142.22") + Decimal("161.19")
    assert rt.gross_pnl_inr == Decimal("10000.00")
    assert rt.net_pnl_inr == Decimal("10000.00") - rt.charges_inr
    assert rt.slippage_inr == Decimal("0.00")


def test_slippage_is_accounted_separately() -> None:
    rt = FillModel(slippage_bps=10, stop_extra_bps=0).round_trip(10, 500.0, 500.0)
    assert rt.entry_fill == Decimal("500.50")
    assert rt.exit_fill == Decimal("499.50")
    assert rt.slippage_inr == Decimal("10.00")
    assert rt.net_pnl_inr < -rt.slippage_inr


def test_delivery_short_is_refused_but_intraday_short_works() -> None:
    with pytest.raises(ValidationError):
        FillModel().round_trip(10, 100.0, 90.0, direction=-1)
    rt = FillModel(slippage_bps=0, product=Product.INTRADAY).round_trip(
        10, 100.0, 90.0, direction=-1
    )
    assert rt.gross_pnl_inr == Decimal("100.00")


@pytest.mark.parametrize(("qty", "price"), [(0, 100.0), (10, 0.0), (10, float("nan"))])
def test_bad_fill_input(qty: int, price: float) -> None:
    with pytest.raises(ValidationError):
        FillModel().round_trip(qty, price, 100.0)
