"""Own reconciliation with the broker: adopt missed fills, cancel orphans, restore stops."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from core.domain import BrokerOrder
from core.enums import AuditCategory, Direction, OrderCategory, OrderStatus
from core.errors import NotFound, OrderRejected
from core.ports import BracketBroker
from store.db import transaction
from store.models import OrderRow
from store.repos import orders as orders_repo
from store.repos import positions as positions_repo
from tools.execution.native import map_bracket_order
from tools.execution.transitions import is_live, is_terminal

if TYPE_CHECKING:
    from tools.execution.manager import OrderManager

OUR_PREFIX = "D"  # core.ids.client_order_id always starts with it


async def reconcile(mgr: OrderManager) -> dict[str, Any]:
    """Bring the local book in line with the broker's; return (and audit) what changed."""
    report: dict[str, Any] = defaultdict(list)
    broker_orders = await mgr.broker.orders()
    by_client: dict[str | None, BrokerOrder] = {
        o.client_order_id: o for o in broker_orders if o.client_order_id}
    by_id = {o.broker_order_id: o for o in broker_orders}
    live_brackets = await _map_bracket_orders(mgr, broker_orders, report)
    await _adopt_fills(mgr, report)
    await _sync_orders(mgr, by_client, by_id, live_brackets, report)
    await _cancel_orphans(mgr, broker_orders, report)
    await _restore_stops(mgr, report)
    await _compare_positions(mgr, report)
    summary = dict(report)
    with transaction(mgr.sessions) as s:
        mgr.audit.append(s, "reconcile.done", summary, category=AuditCategory.EXECUTION)
    return summary


async def _map_bracket_orders(mgr: OrderManager, broker_orders: list[BrokerOrder],
                              report: dict[str, Any]) -> set[str]:
    """Attach orders fired by broker-side brackets to their legs before fills are adopted."""
    if not isinstance(mgr.broker, BracketBroker):
        return set()
    with transaction(mgr.sessions) as s:
        for bo in broker_orders:
            known = orders_repo.by_broker_id(s, bo.broker_order_id)
            if known is None and bo.raw.get("order_ref_id") and map_bracket_order(s, bo):
                report["bracket_orders_mapped"].append(bo.broker_order_id)
    return await mgr.broker.live_brackets()


async def _adopt_fills(mgr: OrderManager, report: dict[str, Any]) -> None:
    trades = await mgr.broker.trades()
    with transaction(mgr.sessions) as s:
        known = orders_repo.known_trade_ids(s, [t.trade_id for t in trades])
    for fill in sorted(trades, key=lambda t: t.ts):
        if fill.trade_id in known:
            continue
        await mgr.on_broker_update(fill)
        report["fills_adopted"].append(fill.trade_id)


async def _sync_orders(mgr: OrderManager, by_client: dict[str | None, BrokerOrder],
                       by_id: dict[str, BrokerOrder], live_brackets: set[str],
                       report: dict[str, Any]) -> None:
    with transaction(mgr.sessions) as s:
        local = [(o.id, o.client_order_id, o.broker_order_id, o.status, o.order_category,
                  o.bracket_id, o.trade_card_id) for o in orders_repo.live_orders(s)]
    for oid, cid, bid, status, category, bracket, card_id in local:
        remote = by_id.get(bid) if bid else by_client.get(cid)
        if remote is None and bracket and bracket in live_brackets:
            continue  # a leg still waiting inside a working broker-side bracket
        if remote is not None:
            await mgr.on_broker_update(remote)
            report["orders_synced"].append(oid)
        elif status == OrderStatus.CREATED and category == OrderCategory.ENTRY:
            _expire(mgr, oid, "entry never reached the broker before a restart; re-approve")
            report["entries_expired"].append(oid)
        elif status == OrderStatus.CREATED:
            await mgr.submit(oid)  # a protective leg that never left: send it now
            report["legs_submitted"].append(oid)
        else:
            _expire(mgr, oid, "unknown at the broker (expired or removed)")
            report["orders_expired"].append(oid)
            await _restore_card(mgr, card_id, report)  # before a sibling's update re-arms it


def _expire(mgr: OrderManager, order_id: int, reason: str) -> None:
    with transaction(mgr.sessions) as s:
        row = s.get(OrderRow, order_id)
        if row is None or is_terminal(row.status):
            return
        mgr.transition(s, row, OrderStatus.EXPIRED, reason)
        mgr.audit.append(s, "reconcile.order_expired", {"order_id": order_id, "reason": reason},
                         category=AuditCategory.EXECUTION, order_id=order_id,
                         account_id=row.account_id, trade_card_id=row.trade_card_id)


async def _cancel_orphans(mgr: OrderManager, broker_orders: list[BrokerOrder],
                          report: dict[str, Any]) -> None:
    """Cancel working broker orders that carry our client-id shape but that we do not know."""
    with transaction(mgr.sessions) as s:
        orphans = [o for o in broker_orders
                   if (o.client_order_id or "").startswith(OUR_PREFIX) and is_live(o.status)
                   and orders_repo.by_client_id(s, o.client_order_id or "") is None
                   and orders_repo.by_broker_id(s, o.broker_order_id) is None]
    for o in orphans:
        try:
            await mgr.broker.cancel_order(o.broker_order_id)
        except (OrderRejected, NotFound):
            continue
        with transaction(mgr.sessions) as s:
            mgr.audit.append(s, "reconcile.orphan_cancelled", {
                "broker_order_id": o.broker_order_id, "client_order_id": o.client_order_id,
                "symbol": o.symbol}, category=AuditCategory.EXECUTION)
        report["orphans_cancelled"].append(o.broker_order_id)


async def _restore_stops(mgr: OrderManager, report: dict[str, Any]) -> None:
    """Every open position gets its stop (and target); a missing stop is placed and audited."""
    with transaction(mgr.sessions) as s:
        cards = [p.trade_card_id for p in positions_repo.open_positions(s)
                 if p.trade_card_id is not None and p.quantity > 0]
    for card_id in cards:
        await _restore_card(mgr, card_id, report)


async def _restore_card(mgr: OrderManager, card_id: int, report: dict[str, Any]) -> None:
    created = await mgr.protect(card_id)
    if not created:
        return
    with transaction(mgr.sessions) as s:
        mgr.audit.append(s, "reconcile.stop_restored", {"card_id": card_id,
                                                        "order_ids": created},
                         category=AuditCategory.EXECUTION, trade_card_id=card_id)
    report["protection_placed"].append(card_id)
    await mgr.notify(f"Reconciliation placed the missing stop/target of card {card_id}")


async def _compare_positions(mgr: OrderManager, report: dict[str, Any]) -> None:
    remote: dict[str, int] = defaultdict(int)
    for bp in await mgr.broker.positions():
        remote[bp.symbol] += bp.quantity
    local: dict[str, int] = defaultdict(int)
    with transaction(mgr.sessions) as s:
        for p in positions_repo.open_positions(s):
            local[p.symbol] += -p.quantity if p.direction == Direction.SHORT else p.quantity
        mismatches = {sym: {"local": local.get(sym, 0), "broker": remote.get(sym, 0)}
                      for sym in set(local) | set(remote)
                      if local.get(sym, 0) != remote.get(sym, 0)}
        if mismatches:
            mgr.audit.append(s, "reconcile.position_mismatch", mismatches,
                             category=AuditCategory.EXECUTION)
    if mismatches:
        report["position_mismatches"].append(mismatches)
        await mgr.notify(f"Position mismatch with the broker: {mismatches}")
