"""Own bracket arithmetic: order requests per leg of a card, trailing-stop ratchets, tranches."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.enums import Direction, OrderCategory, OrderType, Product, Side
from core.errors import ValidationError
from core.ids import client_order_id
from core.money import ZERO, round_to_tick, to_decimal

# leg names feed core.ids.client_order_id (its first two letters are part of the id)
LEG_OF: dict[OrderCategory, str] = {
    OrderCategory.ENTRY: "ENTRY", OrderCategory.STOP_LOSS: "STOP",
    OrderCategory.TAKE_PROFIT: "TARGET", OrderCategory.TRAIL: "TRAIL",
    OrderCategory.EXIT: "CLOSE", OrderCategory.PARTIAL_EXIT: "PARTIAL",
}


@dataclass(frozen=True, slots=True)
class CardTerms:
    """What execution needs from an APPROVED trade card (read once, then immutable)."""

    card_id: int
    account_id: int
    symbol: str
    exchange: str
    direction: Direction
    quantity: int
    entry_price: Decimal
    entry_order_type: OrderType
    stop_loss: Decimal
    take_profit: Decimal
    product: Product
    tick: Decimal | None
    instrument_key: str | None = None

    @property
    def entry_side(self) -> Side:
        return Side.BUY if self.direction == Direction.LONG else Side.SELL

    @property
    def exit_side(self) -> Side:
        return Side.SELL if self.direction == Direction.LONG else Side.BUY

    @property
    def risk_per_share(self) -> Decimal:
        return abs(self.entry_price - self.stop_loss)


def product_for(direction: Direction, horizon_days: int | None) -> Product:
    """Short cash-equity trades and same-day horizons are intraday (MIS); the rest delivery."""
    if direction == Direction.SHORT or horizon_days == 0:
        return Product.INTRADAY
    return Product.DELIVERY


def validate_terms(t: CardTerms) -> None:
    """Refuse a bracket whose stop and target are on the wrong side of the entry."""
    if t.quantity <= 0:
        raise ValidationError("approved quantity must be positive", field="quantity")
    long = t.direction == Direction.LONG
    if (t.stop_loss >= t.entry_price) if long else (t.stop_loss <= t.entry_price):
        raise ValidationError(f"stop {t.stop_loss} is not beyond entry {t.entry_price}",
                              field="stop_loss")
    if (t.take_profit <= t.entry_price) if long else (t.take_profit >= t.entry_price):
        raise ValidationError(f"target {t.take_profit} is not beyond entry {t.entry_price}",
                              field="take_profit")


def leg_request(
    t: CardTerms, category: OrderCategory, quantity: int, attempt: int = 0, *,
    trigger: Decimal | None = None, leg: str | None = None,
) -> dict[str, Any]:
    """Column values of an orders row for one leg (client id derived from card, leg, attempt)."""
    name = leg or LEG_OF[category]
    side = t.entry_side if category == OrderCategory.ENTRY else t.exit_side
    order_type, price, trig = OrderType.MARKET, None, None
    if category == OrderCategory.ENTRY and t.entry_order_type == OrderType.LIMIT:
        order_type, price = OrderType.LIMIT, round_to_tick(t.entry_price, t.tick)
    elif category in (OrderCategory.STOP_LOSS, OrderCategory.TRAIL):
        order_type = OrderType.SL_M
        trig = round_to_tick(trigger if trigger is not None else t.stop_loss, t.tick)
    elif category == OrderCategory.TAKE_PROFIT:
        order_type, price = OrderType.LIMIT, round_to_tick(t.take_profit, t.tick)
    return {
        "trade_card_id": t.card_id, "account_id": t.account_id,
        "client_order_id": client_order_id(t.card_id, name, attempt),
        "order_category": str(category), "symbol": t.symbol, "exchange": t.exchange,
        "order_type": str(order_type), "transaction_type": str(side), "product": str(t.product),
        "quantity": quantity, "price": price, "trigger_price": trig,
    }


def trailed_stop(
    direction: Direction, stop: Decimal, extreme: Decimal, entry: Decimal,
    config: dict[str, Any], tick: Decimal | None,
) -> Decimal | None:
    """Return a tighter stop when the best price since entry allows it, else None.

    config: {"trail_pct": 2.0} or {"trail_abs": 5.0}; optional "activate_r": trail only once the
    move from entry is at least that many times the initial risk (entry - initial stop).
    """
    gap = _trail_gap(config, extreme)
    if gap is None or gap <= ZERO:
        return None
    initial_risk = to_decimal(config.get("initial_risk", abs(entry - stop)))
    move = (extreme - entry) if direction == Direction.LONG else (entry - extreme)
    if move < to_decimal(config.get("activate_r", 0)) * initial_risk:
        return None
    if direction == Direction.LONG:
        candidate = round_to_tick(extreme - gap, tick, "down")
        return candidate if candidate > stop else None
    candidate = round_to_tick(extreme + gap, tick, "up")
    return candidate if candidate < stop else None


def _trail_gap(config: dict[str, Any], extreme: Decimal) -> Decimal | None:
    if not config or config.get("enabled") is False:
        return None
    if "trail_abs" in config:
        return to_decimal(config["trail_abs"])
    if "trail_pct" in config:
        return extreme * to_decimal(config["trail_pct"]) / Decimal(100)
    return None


@dataclass(frozen=True, slots=True)
class ExitTranche:
    index: int
    percent: Decimal
    at_r: Decimal


def exit_tranches(tranche_config: list[Any] | None) -> list[ExitTranche]:
    """Partial-exit steps from a card's tranche_config: items with "exit_at_r" (and "percent").

    Items without "exit_at_r" describe entry staging and are not exits.
    """
    out: list[ExitTranche] = []
    for i, item in enumerate(tranche_config or []):
        if isinstance(item, dict) and "exit_at_r" in item:
            out.append(ExitTranche(i, to_decimal(item.get("percent", 0)),
                                   to_decimal(item["exit_at_r"])))
    return out


def tranche_due(direction: Direction, entry: Decimal, initial_stop: Decimal, price: Decimal,
                tranche: ExitTranche) -> bool:
    risk = abs(entry - initial_stop)
    move = (price - entry) if direction == Direction.LONG else (entry - price)
    return risk > 0 and move >= tranche.at_r * risk
