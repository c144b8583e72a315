"""Own position bookkeeping: fills in, average price, realised/unrealised P&L, fees, close-out."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.enums import AuditCategory, CardStatus, Direction, OrderCategory
from core.money import ZERO, money, to_decimal
from store.audit import AuditLog
from store.models import Instrument, OrderRow, PositionRow, TradeCardRow
from store.repos import positions as repo

EXIT_REASON = {
    OrderCategory.STOP_LOSS: "STOP", OrderCategory.TRAIL: "TRAIL",
    OrderCategory.TAKE_PROFIT: "TARGET", OrderCategory.EXIT: "EXIT",
}


def _sign(direction: str | None) -> int:
    return -1 if direction == Direction.SHORT else 1


def open_for_entry(session: Session, card: TradeCardRow, now: datetime) -> PositionRow:
    """The card's position row, created empty on the first entry fill."""
    pos = repo.for_card(session, card.id)
    if pos is not None:
        return pos
    sector = _sector(session, card.symbol)
    return repo.add_position(
        session, account_id=card.account_id, trade_card_id=card.id, symbol=card.symbol,
        exchange=card.exchange or "NSE", sector=sector, strategy=card.strategy,
        direction=card.direction or str(Direction.LONG), quantity=0, initial_quantity=0,
        average_entry_price=Decimal(card.entry_price), stop_loss=card.stop_loss,
        take_profit=card.take_profit,
        trailing_stop_config=_trail_state(card), unrealized_pnl=ZERO, realized_pnl=ZERO,
        fees_paid=ZERO, risk_amount=ZERO, reward_potential=ZERO, opened_at=now, updated_at=now,
    )


def _sector(session: Session, symbol: str) -> str | None:
    return session.scalar(select(Instrument.sector).where(Instrument.symbol == symbol).limit(1))


def _trail_state(card: TradeCardRow) -> dict[str, Any] | None:
    cfg = dict(card.trailing_stop_config or {})
    if not cfg:
        return None
    cfg.setdefault("initial_risk", str(abs(Decimal(card.entry_price) - Decimal(card.stop_loss))))
    cfg["initial_stop"] = str(card.stop_loss)
    return cfg


def add_entry(pos: PositionRow, qty: int, price: Decimal, fees: Decimal, now: datetime) -> None:
    """Grow the position by an entry fill: weighted average price, fees charged to realised."""
    total = pos.quantity + qty
    avg = (Decimal(pos.average_entry_price) * pos.quantity + price * qty) / total
    pos.average_entry_price = avg.quantize(Decimal("0.0001"))
    pos.quantity = total
    pos.initial_quantity = (pos.initial_quantity or 0) + qty
    pos.fees_paid = money(to_decimal(pos.fees_paid or 0) + fees)
    pos.realized_pnl = money(to_decimal(pos.realized_pnl or 0) - fees)
    stop = Decimal(pos.stop_loss) if pos.stop_loss is not None else avg
    pos.risk_amount = money(abs(avg - stop) * total)
    if pos.take_profit is not None:
        pos.reward_potential = money(abs(Decimal(pos.take_profit) - avg) * total)
    pos.updated_at = now


def reduce(pos: PositionRow, qty: int, price: Decimal, fees: Decimal, now: datetime) -> int:
    """Shrink the position by an exit fill; return the quantity actually closed."""
    closed = min(qty, pos.quantity)
    gross = (price - Decimal(pos.average_entry_price)) * closed * _sign(pos.direction)
    pos.realized_pnl = money(to_decimal(pos.realized_pnl or 0) + gross - fees)
    pos.fees_paid = money(to_decimal(pos.fees_paid or 0) + fees)
    pos.quantity -= closed
    if pos.stop_loss is not None:
        pos.risk_amount = money(abs(Decimal(pos.average_entry_price) - Decimal(pos.stop_loss))
                                * pos.quantity)
    pos.updated_at = now
    return closed


def mark(pos: PositionRow, price: Decimal, now: datetime) -> None:
    """Mark the position to `price` (unrealised P&L)."""
    pos.current_price = price
    pos.unrealized_pnl = money((price - Decimal(pos.average_entry_price)) * pos.quantity
                               * _sign(pos.direction))
    pos.updated_at = now


def close_out(
    session: Session, audit: AuditLog, pos: PositionRow, order: OrderRow | None, now: datetime,
    reason: str | None = None,
) -> None:
    """Close a flat position, mark its card CLOSED and write the result for attribution."""
    category = OrderCategory(order.order_category) if order and order.order_category else None
    pos.exit_reason = reason or (EXIT_REASON.get(category, "EXIT") if category else "EXTERNAL")
    pos.closed_at = now
    pos.unrealized_pnl = ZERO
    card = session.get(TradeCardRow, pos.trade_card_id) if pos.trade_card_id else None
    initial_risk = _initial_risk(pos, card)
    r_multiple = (float(to_decimal(pos.realized_pnl or 0) / initial_risk)
                  if initial_risk > 0 else None)
    if card is not None:
        card.status = str(CardStatus.CLOSED)
        card.closed_at = now
    held = (now - pos.opened_at).total_seconds() / 60 if pos.opened_at else None
    audit.append(session, "position.closed", {
        "position_id": pos.id, "symbol": pos.symbol, "direction": pos.direction,
        "quantity": pos.initial_quantity, "average_entry_price": pos.average_entry_price,
        "exit_price": order.average_price if order else pos.current_price,
        "realized_pnl_inr": pos.realized_pnl, "fees_inr": pos.fees_paid,
        "r_multiple": r_multiple, "exit_reason": pos.exit_reason, "holding_minutes": held,
        "strategy": pos.strategy,
    }, category=AuditCategory.EXECUTION, account_id=pos.account_id,
        trade_card_id=pos.trade_card_id, order_id=order.id if order else None)


def _initial_risk(pos: PositionRow, card: TradeCardRow | None) -> Decimal:
    if card is None:
        return ZERO
    per_share = abs(Decimal(card.entry_price) - Decimal(card.stop_loss))
    return per_share * (pos.initial_quantity or 0)
