"""Own intraday management per price: marks, stuck/gapped stops, trailing, tranches, time stops."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from core.clock import to_ist
from core.domain import Quote
from core.enums import AuditCategory, Direction, OrderCategory, OrderStatus, Product
from core.ids import client_order_id
from core.money import to_decimal
from store.db import transaction
from store.models import OrderRow, PositionRow, TradeCardRow
from store.repos import orders as orders_repo
from store.repos import positions as positions_repo
from store.repos import risk as risk_repo
from tools.execution import positions as book
from tools.execution.brackets import exit_tranches, trailed_stop, tranche_due
from tools.execution.transitions import is_live

if TYPE_CHECKING:
    from tools.execution.manager import OrderManager

MIS_BUFFER = timedelta(minutes=5)
UNCONFIRMED_AFTER_S = 60.0  # longer than every client retry of one send
APPROVE_EVERYTHING = "every_trade"


@dataclass(frozen=True, slots=True)
class Action:
    """One thing intraday management wants done to a position."""

    kind: str  # CLOSE, TRAIL, PARTIAL, PROTECT
    card_id: int
    reason: str
    quantity: int = 0
    trigger: Decimal | None = None
    order_id: int | None = None
    tranche: int | None = None
    needs_approval: bool = False


async def manage(mgr: OrderManager, quote: Quote) -> list[Action]:
    """Mark positions in quote.symbol and carry out (or propose) the actions the price calls for."""
    price, now = to_decimal(quote.last), mgr.clock.now()
    state: dict[str, Any] = mgr.intraday_state
    gap = _first_print(state, quote.symbol, now)
    with transaction(mgr.sessions) as s:
        actions: list[Action] = []
        for pos in positions_repo.open_positions(s, symbol=quote.symbol):
            if pos.quantity <= 0 or pos.trade_card_id is None:
                continue
            book.mark(pos, price, now)
            actions += _evaluate(mgr, s, pos, price, now, gap)
    for action in actions:
        await _carry_out(mgr, action)
    return actions


def _first_print(state: dict[str, Any], symbol: str, now: datetime) -> bool:
    seen: dict[str, Any] = state.setdefault("last_day", {})
    day = to_ist(now).date()
    first = seen.get(symbol) != day
    seen[symbol] = day
    return first


def _evaluate(mgr: OrderManager, s: Session, pos: PositionRow, price: Decimal, now: datetime,
              gap: bool) -> list[Action]:
    card = s.get(TradeCardRow, pos.trade_card_id)
    if card is None:
        return []
    card_id = card.id
    orders = [o for o in orders_repo.for_card(s, card_id) if is_live(o.status)]
    if any(o.order_category == OrderCategory.EXIT for o in orders):
        return []  # a full exit is already working
    stop_order = next((o for o in orders if o.order_category in
                       (OrderCategory.STOP_LOSS, OrderCategory.TRAIL)), None)
    escalate = _stop_escalation(mgr, pos, stop_order, price, now, gap)
    if escalate is not None:
        return [escalate]
    out: list[Action] = []
    if stop_order is None and pos.stop_loss is not None:
        out.append(Action("PROTECT", card_id, "position without a live stop"))
    elif stop_order is not None and _unconfirmed(stop_order, now):
        out.append(Action("RECONCILE", card_id, "stop sent but never confirmed by the broker"))
    forced = _forced_exit(mgr, s, pos, card, now)
    if forced is not None:
        return [*out, forced]
    trail = _trail(mgr, s, pos, stop_order, price)
    if trail is not None:
        out.append(trail)
    if not any(o.bracket_id for o in orders):  # tranches would outgrow a broker-side bracket
        out += _tranches(s, pos, card, price)
    return out


def _unconfirmed(order: OrderRow, now: datetime) -> bool:
    """A stop claimed for sending whose broker id never came back (the send failed after all
    retries, or its answer was lost): reconcile decides whether it exists at the broker."""
    if order.status != OrderStatus.SUBMITTED or order.broker_order_id or order.bracket_id:
        return False
    since = order.updated_at or now
    return (now - since).total_seconds() >= UNCONFIRMED_AFTER_S


def _stop_escalation(mgr: OrderManager, pos: PositionRow, stop_order: OrderRow | None,
                     price: Decimal, now: datetime, gap: bool) -> Action | None:
    """Exit at market when price is beyond the stop and the stop has not filled: at once on a
    gap at the open, else after `escalate_after_s` (a triggered LIMIT leg resting unfilled)."""
    if pos.stop_loss is None:
        return None
    stop = Decimal(pos.stop_loss)
    beyond = price <= stop if pos.direction != Direction.SHORT else price >= stop
    breaches: dict[int, datetime] = mgr.intraday_state.setdefault("breach_since", {})
    if not beyond:
        breaches.pop(pos.id, None)
        return None
    since = breaches.setdefault(pos.id, now)
    waited = (now - since).total_seconds()
    if gap or waited >= mgr.escalate_after_s or stop_order is None:
        what = "gap through the stop at the open" if gap else f"stop not filled after {waited:.0f}s"
        return Action("CLOSE", pos.trade_card_id or 0, what)
    return None


def _forced_exit(mgr: OrderManager, s: Session, pos: PositionRow, card: TradeCardRow,
                 now: datetime) -> Action | None:
    orders = orders_repo.for_card(s, card.id)
    entry = next((o for o in orders if o.order_category == OrderCategory.ENTRY), None)
    if entry is not None and entry.product == Product.INTRADAY:
        hh, mm = (int(x) for x in mgr.mis_squareoff_ist.split(":"))
        cutoff = (datetime.combine(to_ist(now).date(), time(hh, mm), tzinfo=to_ist(now).tzinfo)
                  - MIS_BUFFER)
        if to_ist(now) >= cutoff:
            return Action("CLOSE", card.id, "intraday position before the MIS square-off")
    horizon = timedelta(days=card.horizon_days or 0)
    if card.horizon_days and pos.opened_at is not None and now - pos.opened_at >= horizon:
        return Action("CLOSE", card.id, f"time stop: horizon of {card.horizon_days} days",
                      needs_approval=_needs_approval(s, card))
    return None


def _trail(mgr: OrderManager, s: Session, pos: PositionRow, stop_order: OrderRow | None,
           price: Decimal) -> Action | None:
    cfg = dict(pos.trailing_stop_config or {})
    if not cfg or stop_order is None or pos.stop_loss is None or stop_order.bracket_id:
        return None  # (a broker-side bracket trails itself: trailing_gap)
    long = pos.direction != Direction.SHORT
    prev = to_decimal(cfg.get("extreme", pos.average_entry_price))
    extreme = max(prev, price) if long else min(prev, price)
    if extreme != prev:
        cfg["extreme"] = str(extreme)
        pos.trailing_stop_config = cfg
    card = s.get(TradeCardRow, pos.trade_card_id)
    tick = mgr.terms(s, card).tick if card is not None else None
    new_stop = trailed_stop(Direction(pos.direction or Direction.LONG), Decimal(pos.stop_loss),
                            extreme, Decimal(pos.average_entry_price), cfg, tick)
    if new_stop is None:
        return None
    return Action("TRAIL", pos.trade_card_id or 0, f"trail to {new_stop} (best {extreme})",
                  trigger=new_stop, order_id=stop_order.id)


def _tranches(s: Session, pos: PositionRow, card: TradeCardRow, price: Decimal) -> list[Action]:
    done = {o.client_order_id for o in orders_repo.for_card(s, card.id)}
    cfg = dict(pos.trailing_stop_config or {})
    initial_stop = to_decimal(cfg.get("initial_stop", card.stop_loss))
    out: list[Action] = []
    for tranche in exit_tranches(card.tranche_config):
        if _tranche_id(card.id, tranche.index) in done:
            continue
        if not tranche_due(Direction(pos.direction or Direction.LONG),
                           Decimal(pos.average_entry_price), initial_stop, price, tranche):
            continue
        qty = min(pos.quantity, int((pos.initial_quantity or 0) * tranche.percent / 100))
        if qty <= 0 or qty >= pos.quantity:
            continue
        out.append(Action("PARTIAL", card.id, f"tranche {tranche.index} at {tranche.at_r}R",
                          quantity=qty, tranche=tranche.index,
                          needs_approval=_needs_approval(s, card)))
    return out


def _tranche_id(card_id: int, index: int) -> str:
    return client_order_id(card_id, "PARTIAL", index)


def _needs_approval(s: Session, card: TradeCardRow) -> bool:
    mandate = risk_repo.active_mandate(s, card.account_id)
    return mandate is not None and mandate.approval_mode == APPROVE_EVERYTHING


async def _carry_out(mgr: OrderManager, action: Action) -> None:
    if action.needs_approval:
        await _propose(mgr, action)
    elif action.kind == "CLOSE":
        await mgr.close_position(action.card_id, action.reason)
        await mgr.notify(f"Closing card {action.card_id}: {action.reason}")
    elif action.kind == "PROTECT":
        await mgr.protect(action.card_id)
    elif action.kind == "RECONCILE":
        await _reconcile_at_most_every_minute(mgr)
    elif action.kind == "TRAIL":
        await _apply_trail(mgr, action)
    elif action.kind == "PARTIAL":
        await _partial_exit(mgr, action)


async def _reconcile_at_most_every_minute(mgr: OrderManager) -> None:
    last = mgr.intraday_state.get("last_reconcile")
    now = mgr.clock.now()
    if last is not None and (now - last).total_seconds() < UNCONFIRMED_AFTER_S:
        return
    mgr.intraday_state["last_reconcile"] = now
    await mgr.reconcile()


async def _propose(mgr: OrderManager, action: Action) -> None:
    """Record a proposal once (per card, kind and tranche); a human decides."""
    proposed: set[tuple[int, str, int | None]] = mgr.intraday_state.setdefault("proposed", set())
    key = (action.card_id, action.kind, action.tranche)
    if key in proposed:
        return
    proposed.add(key)
    with transaction(mgr.sessions) as s:
        card = s.get(TradeCardRow, action.card_id)
        mgr.audit.append(s, "execution.proposal", {
            "card_id": action.card_id, "kind": action.kind, "reason": action.reason,
            "quantity": action.quantity, "tranche": action.tranche},
            category=AuditCategory.EXECUTION, trade_card_id=action.card_id,
            account_id=card.account_id if card else None)
    await mgr.notify(f"Proposal for card {action.card_id}: {action.kind} ({action.reason}); "
                     "approve to act")


async def _apply_trail(mgr: OrderManager, action: Action) -> None:
    if action.order_id is None or action.trigger is None:
        raise ValueError("a TRAIL action needs an order id and a trigger")
    with transaction(mgr.sessions) as s:
        row = s.get(OrderRow, action.order_id)
        if row is None or not is_live(row.status) or row.broker_order_id is None:
            return
        broker_id = row.broker_order_id
    ack = await mgr.broker.modify_order(broker_id, trigger_price=action.trigger)
    with transaction(mgr.sessions) as s:
        row = s.get(OrderRow, action.order_id)
        pos = positions_repo.for_card(s, action.card_id)
        if row is None or pos is None:
            return
        old = pos.stop_loss
        row.trigger_price = ack.trigger_price or action.trigger
        pos.stop_loss = row.trigger_price
        mgr.audit.append(s, "execution.trail", {"card_id": action.card_id, "from": old,
                                                "to": row.trigger_price},
                         category=AuditCategory.EXECUTION, order_id=row.id,
                         account_id=row.account_id, trade_card_id=action.card_id)


async def _partial_exit(mgr: OrderManager, action: Action) -> None:
    if action.tranche is None:
        raise ValueError("a PARTIAL action needs a tranche index")
    with transaction(mgr.sessions) as s:
        if orders_repo.by_client_id(s, _tranche_id(action.card_id, action.tranche)):
            return
        row = mgr.new_exit(s, action.card_id, OrderCategory.PARTIAL_EXIT, action.quantity,
                           Decimal(0), attempt=action.tranche)
        row.status_message = action.reason
        oid = row.id
    await mgr.submit(oid)
