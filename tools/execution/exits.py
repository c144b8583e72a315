"""Own the exit side of a card: protective legs sized to the position, and full closes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from core.enums import AuditCategory, OrderCategory, OrderStatus
from core.money import ZERO
from store.db import transaction
from store.models import OrderRow, TradeCardRow
from store.repos import orders as orders_repo
from store.repos import positions as positions_repo
from tools.execution.brackets import leg_request
from tools.execution.fills import order_payload
from tools.execution.transitions import is_live

if TYPE_CHECKING:
    from tools.execution.manager import OrderManager

EXIT_CATEGORIES = {OrderCategory.STOP_LOSS, OrderCategory.TRAIL, OrderCategory.TAKE_PROFIT,
                   OrderCategory.EXIT, OrderCategory.PARTIAL_EXIT}
PROTECTIVE = {OrderCategory.STOP_LOSS, OrderCategory.TRAIL}


@dataclass(frozen=True, slots=True)
class Plan:
    """Broker calls decided inside a transaction and made after it commits."""

    submit: tuple[int, ...] = ()
    cancel: tuple[int, ...] = ()
    resize: tuple[tuple[int, int], ...] = ()  # (order id, new total quantity)


def protection_plan(mgr: OrderManager, s: Session, card_id: int) -> tuple[Plan, list[int]]:
    """What keeps an open position protected: legs to send, resize or (when flat) cancel."""
    pos = positions_repo.for_card(s, card_id)
    orders = orders_repo.for_card(s, card_id)
    live = [o for o in orders if is_live(o.status)]
    exits = [o for o in live if o.order_category in EXIT_CATEGORIES]
    if pos is None:
        return Plan(), []
    if pos.closed_at is not None or pos.quantity == 0:
        return Plan(cancel=tuple(o.id for o in live)), []
    submit, resize, created = [], [], []
    for kinds, category, trigger in (
        (PROTECTIVE, OrderCategory.STOP_LOSS, pos.stop_loss),
        ({OrderCategory.TAKE_PROFIT}, OrderCategory.TAKE_PROFIT, pos.take_profit),
    ):
        if trigger is None:
            continue
        current = next((o for o in exits if o.order_category in kinds), None)
        if current is None:
            if any(o.order_category == OrderCategory.EXIT for o in exits):
                continue  # a full close is already working
            row = new_exit(mgr, s, card_id, category, pos.quantity, Decimal(trigger))
            submit.append(row.id)
            created.append(row.id)
        elif current.status == OrderStatus.CREATED:
            submit.append(current.id)
        elif current.bracket_id:
            continue  # the broker's bracket carries the whole quantity itself
        elif current.quantity - (current.filled_quantity or 0) != pos.quantity:
            resize.append((current.id, (current.filled_quantity or 0) + pos.quantity))
    return Plan(submit=tuple(submit), resize=tuple(resize)), created

def new_exit(mgr: OrderManager, s: Session, card_id: int, category: OrderCategory, qty: int,
             trigger: Decimal, attempt: int | None = None) -> OrderRow:
    """Write-ahead row for an exit-side leg (stop, target, close or partial exit)."""
    card = s.get(TradeCardRow, card_id)
    assert card is not None  # noqa: S101 - positions always reference a card
    terms = mgr.terms(s, card)
    if attempt is None:
        attempt = sum(1 for o in orders_repo.for_card(s, card_id)
                      if o.order_category == category)
    values = leg_request(terms, category, qty, attempt, trigger=trigger)
    if category == OrderCategory.TAKE_PROFIT:
        values["price"] = trigger
    now = mgr.clock.now()
    row = orders_repo.add_order(s, **values, broker=mgr.broker.name,
                                status=str(OrderStatus.CREATED), filled_quantity=0,
                                placed_at=now, updated_at=now)
    mgr.audit.append(s, "order.created", order_payload(row),
                      category=AuditCategory.EXECUTION, account_id=row.account_id,
                      trade_card_id=card_id, order_id=row.id)
    return row


async def close_position(mgr: OrderManager, card_id: int, reason: str) -> int | None:
    """Exit the whole open quantity at market. The CLOSE row is written first (so nothing
    re-arms a stop while the bracket legs are being cancelled), then the legs are cancelled, and
    the close is sized to what is still open (a leg may have filled meanwhile) and sent."""
    with transaction(mgr.sessions) as s:
        pos = positions_repo.for_card(s, card_id)
        if pos is None or pos.closed_at is not None or pos.quantity == 0:
            return None
        live = [o for o in orders_repo.for_card(s, card_id) if is_live(o.status)]
        if any(o.order_category == OrderCategory.EXIT for o in live):
            return None
        legs = [o.id for o in live if o.order_category in EXIT_CATEGORIES]
        row = new_exit(mgr, s, card_id, OrderCategory.EXIT, pos.quantity, ZERO)
        row.trigger_price, row.status_message = None, reason
        mgr.audit.append(s, "execution.close", {"card_id": card_id, "reason": reason,
                                                 "quantity": pos.quantity},
                         category=AuditCategory.EXECUTION, order_id=row.id,
                         account_id=row.account_id, trade_card_id=card_id)
        oid = row.id
    for leg in legs:
        await mgr.cancel(leg, reason)
    with transaction(mgr.sessions) as s:
        pos = positions_repo.for_card(s, card_id)
        close = s.get(OrderRow, oid)
        assert close is not None  # noqa: S101
        if pos is None or pos.closed_at is not None or pos.quantity == 0:
            mgr.transition(s, close, OrderStatus.CANCELLED, "position already flat")
            return None
        close.quantity = pos.quantity
    await mgr.submit(oid)
    return oid
