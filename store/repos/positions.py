"""Own reads and writes of positions (one row per account and card) and their outward views."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from store.models import FillRow, OrderRow, PositionRow


@dataclass(frozen=True, slots=True)
class PositionView:
    id: int
    account_id: int
    trade_card_id: int | None
    symbol: str
    exchange: str | None
    sector: str | None
    direction: str | None
    quantity: int
    initial_quantity: int | None
    average_entry_price: Decimal
    current_price: Decimal | None
    stop_loss: Decimal | None
    take_profit: Decimal | None
    unrealized_pnl: Decimal | None
    realized_pnl: Decimal | None
    fees_paid: Decimal | None
    risk_amount: Decimal | None
    exit_reason: str | None
    opened_at: datetime | None
    closed_at: datetime | None


def position_view(row: PositionRow) -> PositionView:
    return PositionView(
        id=row.id, account_id=row.account_id, trade_card_id=row.trade_card_id, symbol=row.symbol,
        exchange=row.exchange, sector=row.sector, direction=row.direction, quantity=row.quantity,
        initial_quantity=row.initial_quantity, average_entry_price=row.average_entry_price,
        current_price=row.current_price, stop_loss=row.stop_loss, take_profit=row.take_profit,
        unrealized_pnl=row.unrealized_pnl, realized_pnl=row.realized_pnl, fees_paid=row.fees_paid,
        risk_amount=row.risk_amount, exit_reason=row.exit_reason, opened_at=row.opened_at,
        closed_at=row.closed_at,
    )


def for_card(session: Session, card_id: int) -> PositionRow | None:
    return session.scalar(
        select(PositionRow).where(PositionRow.trade_card_id == card_id).order_by(PositionRow.id)
        .limit(1)
    )


def open_positions(
    session: Session, account_id: int | None = None, symbol: str | None = None,
) -> list[PositionRow]:
    stmt = select(PositionRow).where(PositionRow.closed_at.is_(None))
    if account_id is not None:
        stmt = stmt.where(PositionRow.account_id == account_id)
    if symbol is not None:
        stmt = stmt.where(PositionRow.symbol == symbol)
    return list(session.scalars(stmt.order_by(PositionRow.id)))


def add_position(session: Session, **fields: Any) -> PositionRow:
    row = PositionRow(**fields)
    session.add(row)
    session.flush()
    return row


def realized_by_account(session: Session, since: datetime,
                        account_id: int | None = None) -> dict[int, Decimal]:
    """Realised P&L booked by fills since `since`, per account, net of those fills' fees.

    Exit fills realise (price - position average) x quantity (sign-flipped for shorts); every
    fill (entry or exit) costs its fees. Built from fills, so a position carried overnight
    brings only what was realised today.
    """
    sign = case((PositionRow.direction == "SHORT", -1), else_=1)
    gross = case((OrderRow.order_category == "ENTRY", 0),
                 else_=(FillRow.price - PositionRow.average_entry_price) * FillRow.quantity * sign)
    stmt = (select(OrderRow.account_id, func.sum(gross) - func.sum(FillRow.fees))
            .select_from(FillRow)
            .join(OrderRow, OrderRow.id == FillRow.order_id)
            .join(PositionRow, PositionRow.trade_card_id == OrderRow.trade_card_id)
            .where(FillRow.ts >= since).group_by(OrderRow.account_id))
    if account_id is not None:
        stmt = stmt.where(OrderRow.account_id == account_id)
    return {acc: Decimal(str(v or 0)).quantize(Decimal("0.01")) for acc, v in session.execute(stmt)}


def realized_since(session: Session, account_id: int, since: datetime) -> Decimal:
    """Realised P&L of one account since `since` (see realized_by_account)."""
    return realized_by_account(session, since, account_id).get(account_id, Decimal("0.00"))


def list_positions(
    session: Session, account_ids: Sequence[int] | None = None, include_closed: bool = False,
    limit: int = 200,
) -> list[PositionView]:
    stmt = select(PositionRow)
    if not include_closed:
        stmt = stmt.where(PositionRow.closed_at.is_(None))
    if account_ids is not None:
        stmt = stmt.where(PositionRow.account_id.in_(list(account_ids)))
    return [position_view(r) for r in session.scalars(stmt.order_by(PositionRow.id.desc())
                                                      .limit(limit))]
