"""Own brackets held by the broker itself (Upstox multi-leg GTT): legs, placement, mapping.

The card still gets three order rows (ENTRY, STOP_LOSS, TAKE_PROFIT) sharing one bracket_id.
The broker fires the legs as its own orders (no client tag; Upstox sets order_ref_id to the GTT
id); `map_bracket_order` attaches each to its row: the entry side to ENTRY, the exit side to the
stop or target whose price is nearest.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import BrokerOrder
from core.enums import AuditCategory, OrderCategory, OrderStatus
from core.errors import OrderRejected, TemporaryError, TokenExpired
from core.money import round_to_tick, to_decimal
from core.ports import BracketBroker, BracketOrder
from store.db import transaction
from store.models import OrderRow, TradeCardRow
from store.repos import orders as orders_repo
from tools.execution.brackets import CardTerms, leg_request
from tools.execution.fills import order_payload

if TYPE_CHECKING:
    from tools.execution.manager import OrderManager

LEGS = (OrderCategory.STOP_LOSS, OrderCategory.TAKE_PROFIT)


def add_exit_legs(mgr: OrderManager, s: Session, terms: CardTerms) -> list[int]:
    """Write-ahead rows for the stop and target that will live inside the broker's bracket."""
    now, ids = mgr.clock.now(), []
    for category in LEGS:
        row = orders_repo.add_order(s, **leg_request(terms, category, terms.quantity),
                                    broker=mgr.broker.name, status=str(OrderStatus.CREATED),
                                    filled_quantity=0, placed_at=now, updated_at=now)
        ids.append(row.id)
    return ids


def trailing_gap(card: TradeCardRow, terms: CardTerms) -> Decimal | None:
    cfg = dict(card.trailing_stop_config or {})
    if not cfg or cfg.get("enabled") is False:
        return None
    if "trail_abs" in cfg:
        return round_to_tick(to_decimal(cfg["trail_abs"]), terms.tick)
    if "trail_pct" in cfg:
        return round_to_tick(terms.entry_price * to_decimal(cfg["trail_pct"]) / 100, terms.tick)
    return None


async def submit_bracket(mgr: OrderManager, entry_id: int, t0: float) -> None:
    """Claim the card's three CREATED legs and place them as one broker-side bracket."""
    broker = mgr.broker
    assert isinstance(broker, BracketBroker)  # noqa: S101 - only called when native
    with transaction(mgr.sessions) as s:
        entry = s.get(OrderRow, entry_id, with_for_update=True)
        if entry is None or entry.status != OrderStatus.CREATED:
            return
        card = s.get(TradeCardRow, entry.trade_card_id)
        assert card is not None  # noqa: S101
        terms = mgr.terms(s, card)
        legs = [o for o in orders_repo.for_card(s, card.id) if o.status == OrderStatus.CREATED]
        for row in legs:
            mgr.transition(s, row, OrderStatus.SUBMITTED, None)
        ids = [o.id for o in legs]
        bracket = BracketOrder(
            symbol=terms.symbol, instrument_key=terms.instrument_key, side=terms.entry_side,
            product=terms.product, quantity=terms.quantity,
            entry_price=Decimal(entry.price or terms.entry_price),
            stop_loss=Decimal(terms.stop_loss), take_profit=Decimal(terms.take_profit),
            trailing_gap=trailing_gap(card, terms))
    try:
        bracket_id = await broker.place_bracket(bracket)
    except (OrderRejected, TokenExpired, TemporaryError) as exc:
        await _failed(mgr, entry_id, ids, exc)
        return
    latency = int((time.perf_counter() - t0) * 1000)
    with transaction(mgr.sessions) as s:
        for oid in ids:
            leg = s.get(OrderRow, oid)
            assert leg is not None  # noqa: S101
            leg.bracket_id = bracket_id
        head = s.get(OrderRow, entry_id)
        assert head is not None  # noqa: S101
        mgr.audit.append(s, "order.bracket_placed", {**order_payload(head),
                                                     "bracket_id": bracket_id, "legs": ids},
                         latency_ms=latency, category=AuditCategory.EXECUTION,
                         account_id=head.account_id, trade_card_id=head.trade_card_id,
                         order_id=entry_id)


async def _failed(mgr: OrderManager, entry_id: int, ids: list[int], exc: Exception) -> None:
    if isinstance(exc, TemporaryError):  # unknown outcome: reconcile settles it
        with transaction(mgr.sessions) as s:
            mgr.audit.append(s, "order.submit_failed", {"order_id": entry_id, "error": str(exc)},
                             category=AuditCategory.EXECUTION, order_id=entry_id)
        return
    with transaction(mgr.sessions) as s:
        for oid in ids:
            row = s.get(OrderRow, oid)
            if row is not None and oid != entry_id:
                mgr.transition(s, row, OrderStatus.REJECTED, str(exc))
    if isinstance(exc, TokenExpired):
        await mgr.session_expired(entry_id, exc)
    else:
        assert isinstance(exc, OrderRejected)  # noqa: S101
        await mgr.rejected(entry_id, exc)


def map_bracket_order(s: Session, bo: BrokerOrder) -> OrderRow | None:
    """Attach an order the broker fired from a bracket to the leg row it belongs to."""
    ref = str(bo.raw.get("order_ref_id") or "")
    if not ref:
        return None
    rows = list(s.scalars(select(OrderRow).where(OrderRow.bracket_id == ref)))
    entry = next((r for r in rows if r.order_category == OrderCategory.ENTRY), None)
    if entry is None:
        return None
    if bo.side == entry.transaction_type:
        candidates = [entry]
    else:
        candidates = [r for r in rows if r.order_category in LEGS and r.broker_order_id is None]
    if not candidates:
        return None
    price = bo.price or bo.trigger_price or Decimal(0)
    row = min(candidates, key=lambda r: abs(_level(r) - price))
    row.broker_order_id = bo.broker_order_id
    return row


def _level(row: OrderRow) -> Decimal:
    value: Any = row.trigger_price if row.trigger_price is not None else row.price
    return Decimal(value or 0)


def has_bracket(rows: list[OrderRow]) -> bool:
    return any(r.bracket_id for r in rows)
