"""Own how broker updates land: order status changes, fills (fees, positions), foreign fills."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from core.domain import BrokerOrder, Fill
from core.enums import (
    AuditCategory,
    CardStatus,
    Direction,
    OrderCategory,
    OrderStatus,
    OrderType,
    Product,
    Side,
)
from core.money import money, to_decimal
from store.db import transaction
from store.models import OrderRow, TradeCardRow
from store.repos import orders as orders_repo
from store.repos import positions as positions_repo
from tools.charges import compute_charges
from tools.execution import positions as book
from tools.execution.transitions import is_live, is_terminal

if TYPE_CHECKING:
    from tools.execution.manager import OrderManager

def find(s: Session, broker_id: str, client_id: str | None) -> OrderRow | None:
    row = orders_repo.by_broker_id(s, broker_id)
    if row is None and client_id:
        row = orders_repo.by_client_id(s, client_id)
    return row

PARKED = -1  # apply_fill: the fill belongs to a bracket leg not mapped yet; retry later


def apply_order(mgr: OrderManager, bo: BrokerOrder) -> int | None:
    """Apply a status update to our order row; return its card id (None if not ours)."""
    from tools.execution.native import map_bracket_order

    with transaction(mgr.sessions) as s:
        row = find(s, bo.broker_order_id, bo.client_order_id) or map_bracket_order(s, bo)
        if row is None:
            return None
        row.broker_order_id = row.broker_order_id or bo.broker_order_id
        if bo.quantity and bo.quantity != row.quantity and is_live(row.status):
            row.quantity = bo.quantity
        if is_terminal(row.status) and not is_terminal(bo.status):
            return row.trade_card_id  # a stale, out-of-order update: the order already ended
        if mgr.transition(s, row, bo.status, bo.message):
            mgr.audit.append(s, "order.status", {**order_payload(row)},
                              category=AuditCategory.EXECUTION, order_id=row.id,
                              account_id=row.account_id, trade_card_id=row.trade_card_id)
        return row.trade_card_id

def apply_fill(mgr: OrderManager, fill: Fill) -> int | None:
    """Record a fill once (by trade id); return its card id."""
    with transaction(mgr.sessions) as s:
        if orders_repo.fill_exists(s, fill.trade_id):
            return None
        row = find(s, fill.broker_order_id, fill.client_order_id)
        if row is None and _awaiting_bracket_leg(s, fill):
            return PARKED
        if row is None:
            row = _foreign_order(mgr, s, fill)
            if row is None:
                return None
        _record_fill(mgr, s, row, fill)
        card_id, entry = row.trade_card_id, row.order_category == OrderCategory.ENTRY
    if entry and mgr.fault is not None:
        mgr.fault("after_entry_fill")
    return card_id

def _record_fill(mgr: OrderManager, s: Session, row: OrderRow, fill: Fill) -> None:
    charges = compute_charges(fill.side, Product(row.product or Product.DELIVERY),
                              fill.quantity, fill.price, row.exchange or "NSE")
    fees = fill.fees if fill.fees > 0 else charges.total
    orders_repo.add_fill(s, order_id=row.id, account_id=row.account_id,
                         broker_trade_id=fill.trade_id, symbol=fill.symbol,
                         side=str(fill.side), quantity=fill.quantity, price=fill.price,
                         fees=fees, fee_breakdown=charges.as_dict(), ts=fill.ts)
    done = row.filled_quantity or 0
    avg = Decimal(row.average_price or 0)
    row.average_price = ((avg * done + fill.price * fill.quantity) / (done + fill.quantity)
                         ).quantize(Decimal("0.0001"))
    row.filled_quantity = done + fill.quantity
    row.fees = money(to_decimal(row.fees or 0) + fees)
    row.filled_at = fill.ts
    full = row.filled_quantity >= row.quantity
    mgr.transition(s, row, OrderStatus.FILLED if full else OrderStatus.PARTIALLY_FILLED, None)
    _book_fill(mgr, s, row, fill, fees)
    mgr.audit.append(s, "order.fill", {
        "order_id": row.id, "trade_id": fill.trade_id, "side": fill.side,
        "quantity": fill.quantity, "price": fill.price, "fees_inr": fees,
        "category": row.order_category}, category=AuditCategory.EXECUTION,
        account_id=row.account_id, trade_card_id=row.trade_card_id, order_id=row.id)

def _book_fill(mgr: OrderManager, s: Session, row: OrderRow, fill: Fill, fees: Decimal) -> None:
    now = mgr.clock.now()
    card = s.get(TradeCardRow, row.trade_card_id)
    if row.order_category == OrderCategory.ENTRY and card is not None:
        pos = book.open_for_entry(s, card, now)
        book.add_entry(pos, fill.quantity, fill.price, fees, now)
        if card.status == CardStatus.EXECUTED:
            card.status = str(CardStatus.FILLED)
        return
    held = positions_repo.for_card(s, row.trade_card_id)
    if held is None or held.closed_at is not None:
        return
    book.reduce(held, fill.quantity, fill.price, fees, now)
    book.mark(held, fill.price, now)
    if held.quantity == 0:
        book.close_out(s, mgr.audit, held, row, now)

def _awaiting_bracket_leg(s: Session, fill: Fill) -> bool:
    """True when a live broker-side bracket on this symbol may own the fill's order."""
    return any(o.bracket_id and o.symbol == fill.symbol for o in orders_repo.live_orders(s))


def _foreign_order(mgr: OrderManager, s: Session, fill: Fill) -> OrderRow | None:
    """A fill of an order we never placed (broker square-off, manual exit): book it as an
    EXIT against the oldest open position it reduces."""
    for pos in positions_repo.open_positions(s, symbol=fill.symbol):
        exit_side = Side.SELL if pos.direction != Direction.SHORT else Side.BUY
        if fill.side != exit_side or pos.trade_card_id is None:
            continue
        now = mgr.clock.now()
        return orders_repo.add_order(
            s, trade_card_id=pos.trade_card_id, account_id=pos.account_id,
            client_order_id=f"X{fill.broker_order_id}"[:40], broker=mgr.broker.name,
            broker_order_id=fill.broker_order_id, order_category=str(OrderCategory.EXIT),
            symbol=fill.symbol, exchange=pos.exchange, order_type=str(OrderType.MARKET),
            transaction_type=str(fill.side), product=None, quantity=fill.quantity,
            status=str(OrderStatus.OPEN), filled_quantity=0, placed_at=now, updated_at=now,
            status_message="placed outside the desk (e.g. broker square-off)")
    return None



def order_payload(row: OrderRow) -> dict[str, Any]:
    return {"order_id": row.id, "client_order_id": row.client_order_id,
            "broker_order_id": row.broker_order_id, "category": row.order_category,
            "symbol": row.symbol, "side": row.transaction_type, "type": row.order_type,
            "quantity": row.quantity, "price": row.price, "trigger_price": row.trigger_price,
            "status": row.status, "message": row.status_message}
