from __future__ import annotations

from decimal import Decimal

import pytest

from core.enums import Product, Side
from tools.charges import compute_charges


def test_delivery_buy_worked_by_hand():
    # 100 shares at ₹1,000 = ₹1,00,000 turnover
    c = compute_charges(Side.BUY, Product.DELIVERY, 100, Decimal("1000"))
    assert c.brokerage == Decimal("20.00")  # min(20, 2.5 %)
    assert c.stt == Decimal("100.00")  # 0.1 %
    assert c.exchange_txn == Decimal("2.97")  # 0.00297 %
    assert c.sebi_fee == Decimal("0.10")  # ₹10 / crore
    assert c.stamp_duty == Decimal("15.00")  # 0.015 % on buy
    assert c.dp_charge == Decimal("0.00")
    assert c.gst == Decimal("4.15")  # 18 % of (20 + 2.97 + 0.10)
    assert c.total == Decimal("142.22")


def test_intraday_sell_has_stt_no_stamp():
    c = compute_charges(Side.SELL, Product.INTRADAY, 10, 500)
    assert c.brokerage == Decimal("2.50")  # 0.05 % of 5,000 < ₹20
    assert c.stt == Decimal("1.25")
    assert c.stamp_duty == Decimal("0.00")


def test_delivery_sell_pays_dp_charge():
    c = compute_charges(Side.SELL, Product.DELIVERY, 10, 500)
    assert c.dp_charge == Decimal("20.00")
    assert c.stamp_duty == Decimal("0.00")


def test_zero_quantity_refused():
    with pytest.raises(ValueError, match="quantity"):
        compute_charges(Side.BUY, Product.DELIVERY, 0, 100)
