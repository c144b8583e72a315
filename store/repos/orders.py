"""Own reads and writes of orders and fills, and the read-only views of them handed outwards."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import FillRow, OrderRow

LIVE_STATUSES = ("CREATED", "SUBMITTED", "OPEN", "TRIGGER_PENDING", "PARTIALLY_FILLED")


@dataclass(frozen=True, slots=True)
class OrderView:
    id: int
    trade_card_id: int
    account_id: int
    client_order_id: str
    broker: str | None
    broker_order_id: str | None
    category: str | None
    symbol: str
    side: str | None
    order_type: str | None
    product: str | None
    quantity: int
    price: Decimal | None
    trigger_price: Decimal | None
    status: str | None
    status_message: str | None
    filled_quantity: int
    average_price: Decimal | None
    fees: Decimal | None
    placed_at: datetime | None
    updated_at: datetime | None


def order_view(row: OrderRow) -> OrderView:
    return OrderView(
        id=row.id, trade_card_id=row.trade_card_id, account_id=row.account_id,
        client_order_id=row.client_order_id, broker=row.broker, broker_order_id=row.broker_order_id,
        category=row.order_category, symbol=row.symbol, side=row.transaction_type,
        order_type=row.order_type, product=row.product, quantity=row.quantity, price=row.price,
        trigger_price=row.trigger_price, status=row.status, status_message=row.status_message,
        filled_quantity=row.filled_quantity or 0, average_price=row.average_price, fees=row.fees,
        placed_at=row.placed_at, updated_at=row.updated_at,
    )


def by_client_id(session: Session, client_order_id: str) -> OrderRow | None:
    return session.scalar(select(OrderRow).where(OrderRow.client_order_id == client_order_id))


def by_broker_id(session: Session, broker_order_id: str) -> OrderRow | None:
    return session.scalar(
        select(OrderRow).where(OrderRow.broker_order_id == broker_order_id).limit(1)
    )


def for_card(session: Session, card_id: int) -> list[OrderRow]:
    return list(session.scalars(
        select(OrderRow).where(OrderRow.trade_card_id == card_id).order_by(OrderRow.id)
    ))


def live_orders(session: Session, account_id: int | None = None) -> list[OrderRow]:
    """Orders that are (or may be) working at the broker, including write-ahead CREATED rows."""
    stmt = select(OrderRow).where(OrderRow.status.in_(LIVE_STATUSES))
    if account_id is not None:
        stmt = stmt.where(OrderRow.account_id == account_id)
    return list(session.scalars(stmt.order_by(OrderRow.id)))


def add_order(session: Session, **fields: Any) -> OrderRow:
    row = OrderRow(**fields)
    session.add(row)
    session.flush()
    return row


def fill_exists(session: Session, broker_trade_id: str) -> bool:
    return session.scalar(
        select(FillRow.id).where(FillRow.broker_trade_id == broker_trade_id)
    ) is not None


def add_fill(session: Session, **fields: Any) -> FillRow:
    row = FillRow(**fields)
    session.add(row)
    session.flush()
    return row


def fills_for_order(session: Session, order_id: int) -> list[FillRow]:
    return list(session.scalars(select(FillRow).where(FillRow.order_id == order_id)))


def known_trade_ids(session: Session, trade_ids: Iterable[str]) -> set[str]:
    ids = list(trade_ids)
    if not ids:
        return set()
    return set(session.scalars(select(FillRow.broker_trade_id).where(
        FillRow.broker_trade_id.in_(ids))))


def count_for_card(session: Session, card_id: int) -> int:
    return int(session.scalar(
        select(func.count(OrderRow.id)).where(OrderRow.trade_card_id == card_id)) or 0)


def list_orders(
    session: Session, account_ids: Sequence[int] | None = None, limit: int = 100,
    status: str | None = None,
) -> list[OrderView]:
    """Most recent orders first, optionally for some accounts and one status."""
    stmt = select(OrderRow)
    if account_ids is not None:
        stmt = stmt.where(OrderRow.account_id.in_(list(account_ids)))
    if status:
        stmt = stmt.where(OrderRow.status == status)
    rows = session.scalars(stmt.order_by(OrderRow.id.desc()).limit(limit))
    return [order_view(r) for r in rows]
