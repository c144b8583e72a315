"""Own what triggered kill switches do to orders: cancel pending entries and flatten positions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.enums import AuditCategory, OrderCategory
from store.db import transaction
from store.repos import orders as orders_repo
from store.repos import positions as positions_repo
from store.repos import risk as risk_repo
from tools.risk.switches import CANCEL, FLATTEN

if TYPE_CHECKING:
    from tools.execution.manager import OrderManager


async def enforce_switches(mgr: OrderManager) -> dict[str, list[int]]:
    """Apply the actions of every triggered switch: cancel working entries, flatten positions.

    Safe to call on every tick: cancelled orders and closing positions are not acted on twice.
    """
    with transaction(mgr.sessions) as s:
        cancel_accounts, flatten_accounts = _scopes(s)
        entries = [o.id for o in orders_repo.live_orders(s)
                   if o.order_category == OrderCategory.ENTRY
                   and _covers(cancel_accounts, o.account_id)]
        cards = [p.trade_card_id for p in positions_repo.open_positions(s)
                 if p.trade_card_id is not None and p.quantity > 0
                 and _covers(flatten_accounts, p.account_id)]
    done: dict[str, list[int]] = {"entries_cancelled": [], "positions_closed": []}
    for oid in entries:
        await mgr.cancel(oid, "kill switch: pending entries cancelled")
        done["entries_cancelled"].append(oid)
    for card_id in cards:
        if await mgr.close_position(card_id, "kill switch: flatten") is not None:
            done["positions_closed"].append(card_id)
    if entries or cards:
        with transaction(mgr.sessions) as s:
            mgr.audit.append(s, "risk.switch_enforced", dict(done), category=AuditCategory.RISK)
        await mgr.notify(f"Kill switch enforced: {done}")
    return done


def _scopes(s: Any) -> tuple[set[int | None], set[int | None]]:
    cancel: set[int | None] = set()
    flatten: set[int | None] = set()
    for row in risk_repo.switches(s):
        if not row.is_triggered:
            continue
        actions = row.action_on_trigger or {}
        if actions.get(CANCEL):
            cancel.add(row.account_id)
        if actions.get(FLATTEN):
            flatten.add(row.account_id)
    return cancel, flatten


def _covers(scope: set[int | None], account_id: int) -> bool:
    return None in scope or account_id in scope
