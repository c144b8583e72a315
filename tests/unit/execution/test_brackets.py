"""Bracket arithmetic: leg requests, validation, trailing ratchets, exit tranches."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.enums import Direction, OrderCategory, OrderType, Product
from core.errors import ValidationError
from core.ids import client_order_id
from tools.execution.brackets import (
    CardTerms,
    exit_tranches,
    leg_request,
    product_for,
    trailed_stop,
    tranche_due,
    validate_terms,
)


def terms(**kw: object) -> CardTerms:
    values: dict[str, object] = {
        "card_id": 7, "account_id": 1, "symbol": "INFY", "exchange": "NSE",
        "direction": Direction.LONG, "quantity": 10, "entry_price": Decimal("100"),
        "entry_order_type": OrderType.LIMIT, "stop_loss": Decimal("95"),
        "take_profit": Decimal("110"), "product": Product.DELIVERY, "tick": Decimal("0.05")}
    values.update(kw)
    return CardTerms(**values)  # type: ignore[arg-type]


def test_legs_take_the_right_side_type_and_client_id() -> None:
    t = terms()
    entry = leg_request(t, OrderCategory.ENTRY, 10)
    stop = leg_request(t, OrderCategory.STOP_LOSS, 10, attempt=1)
    target = leg_request(t, OrderCategory.TAKE_PROFIT, 10)
    assert (entry["transaction_type"], entry["order_type"], entry["price"]) == (
        "BUY", "LIMIT", Decimal("100.00"))
    assert (stop["transaction_type"], stop["order_type"], stop["trigger_price"]) == (
        "SELL", "SL-M", Decimal("95.00"))
    assert (target["order_type"], target["price"]) == ("LIMIT", Decimal("110.00"))
    assert entry["client_order_id"] == client_order_id(7, "ENTRY", 0)
    assert stop["client_order_id"] == client_order_id(7, "STOP", 1)
    assert leg_request(t, OrderCategory.ENTRY, 10) == entry  # deterministic


def test_short_legs_are_mirrored() -> None:
    t = terms(direction=Direction.SHORT, stop_loss=Decimal("105"), take_profit=Decimal("90"),
              product=Product.INTRADAY)
    validate_terms(t)
    assert leg_request(t, OrderCategory.ENTRY, 10)["transaction_type"] == "SELL"
    assert leg_request(t, OrderCategory.STOP_LOSS, 10)["transaction_type"] == "BUY"


@pytest.mark.parametrize(("field", "kw"), [
    ("stop_loss", {"stop_loss": Decimal("101")}),
    ("take_profit", {"take_profit": Decimal("99")}),
    ("quantity", {"quantity": 0}),
])
def test_inverted_brackets_are_refused(field: str, kw: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as err:
        validate_terms(terms(**kw))
    assert err.value.field == field


def test_product_rules() -> None:
    assert product_for(Direction.SHORT, 5) == Product.INTRADAY
    assert product_for(Direction.LONG, 0) == Product.INTRADAY
    assert product_for(Direction.LONG, 10) == Product.DELIVERY


def test_trailing_stop_only_tightens_and_respects_activation() -> None:
    cfg = {"trail_pct": 2, "activate_r": 1}
    # best price 104 is < 1R (5) above entry: not active yet
    assert trailed_stop(Direction.LONG, Decimal("95"), Decimal("104"), Decimal("100"), cfg,
                        Decimal("0.05")) is None
    assert trailed_stop(Direction.LONG, Decimal("95"), Decimal("110"), Decimal("100"), cfg,
                        Decimal("0.05")) == Decimal("107.80")
    assert trailed_stop(Direction.LONG, Decimal("108"), Decimal("110"), Decimal("100"), cfg,
                        Decimal("0.05")) is None  # would loosen
    assert trailed_stop(Direction.SHORT, Decimal("105"), Decimal("90"), Decimal("100"),
                        {"trail_abs": 3}, Decimal("0.05")) == Decimal("93.00")
    assert trailed_stop(Direction.LONG, Decimal("95"), Decimal("120"), Decimal("100"),
                        {"enabled": False, "trail_pct": 2}, None) is None


def test_exit_tranches_ignore_entry_staging() -> None:
    cfg = [{"percent": 33, "trigger": "immediate"}, {"percent": 50, "exit_at_r": 1.5}]
    tranches = exit_tranches(cfg)
    assert [(t.index, t.percent, t.at_r) for t in tranches] == [(1, Decimal(50), Decimal("1.5"))]
    assert not tranche_due(Direction.LONG, Decimal(100), Decimal(95), Decimal("107.4"),
                           tranches[0])
    assert tranche_due(Direction.LONG, Decimal(100), Decimal(95), Decimal("107.5"), tranches[0])
