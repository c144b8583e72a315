"""Own the pre-trade check: an entry may go out only if every open stop plus its own cannot breach
the account's daily loss limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import IST, to_ist
from core.enums import Direction, OrderCategory, Product, Side, SwitchType, ThresholdType
from core.money import ZERO, money, to_decimal
from store.models import OrderRow, PositionRow, TradeCardRow
from store.repos import orders as orders_repo
from store.repos import positions as positions_repo
from store.repos import risk as repo
from tools.charges import compute_charges


@dataclass(frozen=True, slots=True)
class PretradeResult:
    ok: bool
    reason: str
    limit_inr: Decimal | None
    realized_today_inr: Decimal
    open_stop_loss_inr: Decimal
    new_risk_inr: Decimal

    @property
    def worst_case_loss_inr(self) -> Decimal:
        return money(-self.realized_today_inr + self.open_stop_loss_inr + self.new_risk_inr)


def session_start(now: datetime) -> datetime:
    """Midnight IST of the trading day that contains `now` (the daily-loss window)."""
    local = to_ist(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(IST)


def daily_loss_limit(session: Session, account_id: int) -> Decimal | None:
    """Rupee daily-loss limit: the account's MAX_DAILY_LOSS switch, else its mandate's percent."""
    equity = repo.account_equity(session, account_id)
    row = repo.switch_for(session, account_id, SwitchType.MAX_DAILY_LOSS)
    if row is not None and row.threshold_value:
        value = to_decimal(row.threshold_value)
        if row.threshold_type == ThresholdType.ABSOLUTE:
            return money(value)
        return money(equity * value / 100)
    mandate = repo.active_mandate(session, account_id)
    if mandate is not None and mandate.max_daily_loss_percent:
        return money(equity * to_decimal(mandate.max_daily_loss_percent) / 100)
    return None


def stop_loss_if_hit(pos: PositionRow) -> Decimal:
    """Loss booked if this position's stop fills at its trigger (locked gains not credited)."""
    if pos.stop_loss is None:
        return abs(Decimal(pos.average_entry_price)) * pos.quantity  # naked: everything at risk
    sign = -1 if pos.direction == Direction.SHORT else 1
    pnl = (Decimal(pos.stop_loss) - Decimal(pos.average_entry_price)) * pos.quantity * sign
    fees = _fees(pos.direction, pos.quantity, Decimal(pos.stop_loss), exit_leg=True)
    return max(ZERO, -pnl) + fees


def pending_entry_risk(order: OrderRow, stop: Decimal | None) -> Decimal:
    """Risk of the unfilled part of a working entry order, measured to its card's stop."""
    remaining = order.quantity - (order.filled_quantity or 0)
    ref = order.price if order.price is not None else order.average_price
    if remaining <= 0 or ref is None or stop is None:
        return ZERO
    return abs(Decimal(ref) - stop) * remaining


def _fees(direction: str | None, qty: int, price: Decimal, *, exit_leg: bool) -> Decimal:
    if qty <= 0:
        return ZERO
    long = direction != Direction.SHORT
    side = (Side.SELL if long else Side.BUY) if exit_leg else (Side.BUY if long else Side.SELL)
    product = Product.DELIVERY if long else Product.INTRADAY
    return compute_charges(side, product, qty, price).total


def card_risk(direction: str, qty: int, entry: Decimal, stop: Decimal) -> Decimal:
    """Loss if a new bracket fills at entry and stops out at its stop, fees both ways included."""
    return (abs(entry - stop) * qty + _fees(direction, qty, entry, exit_leg=False)
            + _fees(direction, qty, stop, exit_leg=True))


def check_entry(session: Session, account_id: int, new_risk_inr: Decimal, now: datetime,
                exclude_card_id: int | None = None) -> PretradeResult:
    """Refuse when realised loss today + every open stop + the new risk exceeds the limit."""
    limit = daily_loss_limit(session, account_id)
    realized = positions_repo.realized_since(session, account_id, session_start(now))
    open_loss = _open_stop_losses(session, account_id, exclude_card_id)
    open_loss += _pending_entries(session, account_id, exclude_card_id)
    open_loss, new_risk = money(open_loss), money(new_risk_inr)
    if limit is None:
        return PretradeResult(True, "no daily-loss limit configured", None, realized, open_loss,
                              new_risk)
    result = PretradeResult(True, "within the daily-loss limit", limit, realized, open_loss,
                            new_risk)
    if result.worst_case_loss_inr > limit:
        reason = (f"worst-case daily loss {result.worst_case_loss_inr} (realised "
                  f"{realized}, open stops {open_loss}, this trade {new_risk}) exceeds the "
                  f"limit {limit}")
        return PretradeResult(False, reason, limit, realized, open_loss, new_risk)
    return result


def _open_stop_losses(session: Session, account_id: int, exclude_card_id: int | None) -> Decimal:
    rows = session.execute(select(
        PositionRow.direction, PositionRow.quantity, PositionRow.average_entry_price,
        PositionRow.stop_loss, PositionRow.trade_card_id).where(
        PositionRow.account_id == account_id, PositionRow.closed_at.is_(None),
        PositionRow.quantity > 0)).all()
    return sum((stop_loss_if_hit(PositionRow(direction=d, quantity=q, average_entry_price=a,
                                             stop_loss=st))
                for d, q, a, st, card in rows if card != exclude_card_id), ZERO)


def _pending_entries(session: Session, account_id: int, exclude_card_id: int | None) -> Decimal:
    """Risk of unfilled entry quantity, measured to each card's stop (one joined query)."""
    rows = session.execute(
        select(OrderRow, TradeCardRow.stop_loss)
        .join(TradeCardRow, TradeCardRow.id == OrderRow.trade_card_id)
        .where(OrderRow.account_id == account_id,
               OrderRow.order_category == str(OrderCategory.ENTRY),
               OrderRow.status.in_(orders_repo.LIVE_STATUSES))).all()
    return sum((pending_entry_risk(order, Decimal(stop)) for order, stop in rows
                if order.trade_card_id != exclude_card_id), ZERO)
