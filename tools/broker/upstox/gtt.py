"""Own Upstox brackets as one multi-leg GTT: the request body, leg states, and stuck-leg detection.

When a GTT rule triggers, Upstox sends a LIMIT at the trigger price; in a fast market it can rest
unfilled while price runs away. `stuck_legs` finds those so the caller can escalate to a market
exit (cancel the GTT, then a MARKET order).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from core.domain import BrokerOrder
from core.enums import OrderStatus
from core.errors import ValidationError
from core.ports import BracketOrder
from tools.broker.upstox.schemas import GttOrder, GttRule

FINAL_RULES = {"COMPLETED", "CANCELLED", "FAILED", "EXPIRED"}


BracketSpec = BracketOrder  # the desk's bracket, as the GTT body is built from it


def bracket_body(spec: BracketSpec) -> dict[str, object]:
    """POST /v3/order/gtt/place body: ENTRY + TARGET + STOPLOSS (trailing_gap when enabled)."""
    if not spec.instrument_key:
        raise ValidationError(f"no Upstox instrument key for {spec.symbol}",
                              field="instrument_key")
    stop: dict[str, object] = {"strategy": "STOPLOSS", "trigger_type": "IMMEDIATE",
                               "trigger_price": float(spec.stop_loss)}
    if spec.trailing_gap:
        stop["trailing_gap"] = float(spec.trailing_gap)
    return {
        "type": "MULTIPLE", "quantity": spec.quantity, "product": str(spec.product),
        "instrument_token": spec.instrument_key, "transaction_type": str(spec.side),
        "rules": [
            {"strategy": "ENTRY", "trigger_type": spec.entry_trigger,
             "trigger_price": float(spec.entry_price)},
            {"strategy": "TARGET", "trigger_type": "IMMEDIATE",
             "trigger_price": float(spec.take_profit)},
            stop,
        ],
    }


def rule(gtt: GttOrder, strategy: str) -> GttRule | None:
    return next((r for r in gtt.rules if r.strategy == strategy), None)


def stuck_legs(gtt: GttOrder, orders: dict[str, BrokerOrder], ltp: Decimal, now: datetime,
               grace: timedelta = timedelta(seconds=5)) -> list[GttRule]:
    """Exit legs that triggered but whose LIMIT order still rests with price beyond it.

    A stop-loss SELL limit at 95 with the market at 93 will not fill: that position is unprotected
    in practice. `grace` lets an ordinary fill arrive first.
    """
    out = []
    for r in gtt.rules:
        if r.strategy == "ENTRY" or r.status != "TRIGGERED" or not r.order_id:
            continue
        order = orders.get(r.order_id)
        if order is None or order.status not in (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED):
            continue
        selling = (r.transaction_type or "SELL") == "SELL"
        limit = Decimal(str(r.trigger_price))
        beyond = ltp < limit if selling else ltp > limit
        waited = now - order.updated_at if order.updated_at else grace
        if beyond and waited >= grace:
            out.append(r)
    return out
