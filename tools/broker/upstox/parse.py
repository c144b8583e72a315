"""Own the translation between Upstox payloads and desk domain objects, including its errors."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from core.clock import IST
from core.domain import BrokerOrder, BrokerPosition, Fill, OrderRequest
from core.enums import OrderStatus, OrderType, Product, Side
from core.errors import (
    BrokerError,
    InsufficientFunds,
    NotFound,
    OrderRejected,
    TemporaryBrokerError,
    TokenExpired,
)
from core.money import money, to_decimal
from tools.broker.upstox.schemas import (
    UpstoxHolding,
    UpstoxOrder,
    UpstoxPosition,
    UpstoxTrade,
    error_items,
)

_WORKING_OPEN = {"open", "modified", "not modified", "not cancelled", "modify pending",
                 "modify validation pending", "cancel pending"}
_SUBMITTED = {"put order req received", "validation pending", "open pending",
              "after market order req received", "modify after market order req received"}
_TERMINAL = {"complete": OrderStatus.FILLED, "rejected": OrderStatus.REJECTED,
             "cancelled": OrderStatus.CANCELLED,
             "cancelled after market order": OrderStatus.CANCELLED}
TOKEN_ERRORS = {"UDAPI100050", "UDAPI100067"}
NOT_FOUND_ERRORS = {"UDAPI100010"}


def order_status(raw: str, filled: int = 0) -> OrderStatus:
    """Map Upstox's lower-case order status (and filled quantity) onto OrderStatus."""
    s = raw.strip().lower()
    if s in _TERMINAL:
        return _TERMINAL[s]
    if s == "trigger pending":
        return OrderStatus.TRIGGER_PENDING
    if s in _WORKING_OPEN:
        return OrderStatus.PARTIALLY_FILLED if filled > 0 else OrderStatus.OPEN
    if s in _SUBMITTED:
        return OrderStatus.SUBMITTED
    raise BrokerError(f"unknown Upstox order status {raw!r}")


def parse_ts(value: str | None) -> datetime | None:
    """Upstox order-book time "YYYY-MM-DD HH:MM:SS" (IST) as aware UTC."""
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=IST)


def to_order(o: UpstoxOrder) -> BrokerOrder:
    status = order_status(o.status, o.filled_quantity)
    avg = money(o.average_price) if o.average_price else None
    return BrokerOrder(
        broker_order_id=o.order_id, client_order_id=o.tag, symbol=o.trading_symbol,
        side=Side(o.transaction_type), order_type=OrderType(o.order_type), quantity=o.quantity,
        status=status, filled_quantity=o.filled_quantity, average_price=avg,
        price=to_decimal(o.price) if o.price else None,
        trigger_price=to_decimal(o.trigger_price) if o.trigger_price else None,
        message=o.status_message, updated_at=parse_ts(o.exchange_timestamp or o.order_timestamp),
        raw=o.model_dump())


def to_fill(t: UpstoxTrade, client_id: str | None, fallback: datetime) -> Fill:
    ts = parse_ts(t.exchange_timestamp or t.order_timestamp) or fallback
    return Fill(broker_order_id=t.order_id, trade_id=t.trade_id, symbol=t.trading_symbol,
                side=Side(t.transaction_type), quantity=t.quantity,
                price=to_decimal(t.average_price), ts=ts, client_order_id=client_id)


def to_position(p: UpstoxPosition | UpstoxHolding, product: str | None = None) -> BrokerPosition:
    return BrokerPosition(
        symbol=p.trading_symbol, exchange=p.exchange, quantity=p.quantity,
        average_price=money(p.average_price or 0),
        product=Product(product or str(getattr(p, "product", None) or "D")),
        last_price=money(p.last_price) if p.last_price else None)


def order_body(req: OrderRequest) -> dict[str, Any]:
    """The v3 place-order JSON for a desk order request (tag = the desk's client order id)."""
    if not req.instrument_key:
        from core.errors import ValidationError

        raise ValidationError(f"no Upstox instrument key for {req.symbol}", field="instrument_key")
    protected = req.order_type in (OrderType.MARKET, OrderType.SL_M)
    return {
        "quantity": req.quantity, "product": str(req.product), "validity": "DAY",
        "price": float(req.price or 0), "tag": req.client_order_id,
        "instrument_token": req.instrument_key, "order_type": str(req.order_type),
        "transaction_type": str(req.side), "disclosed_quantity": 0,
        "trigger_price": float(req.trigger_price or 0), "is_amo": False, "slice": True,
        "market_protection": -1 if protected else 0,
    }


def raise_for_error(status: int, body: Any) -> None:
    """Raise the desk error for an Upstox error response (code and message kept)."""
    items = error_items(body)
    code = items[0].error_code if items else None
    message = items[0].message if items else f"HTTP {status}"
    if status == 429 or status >= 500:
        raise TemporaryBrokerError(f"{code or status}: {message}")
    if status == 401 or code in TOKEN_ERRORS:
        raise TokenExpired(f"{code}: {message}; log in to Upstox again")
    if code in NOT_FOUND_ERRORS or status == 404:
        raise NotFound(f"{code}: {message}")
    if "add Rs" in message or "insufficient" in message.lower():
        raise InsufficientFunds(message, code)
    raise OrderRejected(message, code)


def as_decimal(value: Any) -> Decimal:
    return to_decimal(value if value is not None else 0)
