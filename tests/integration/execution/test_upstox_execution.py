"""The order manager on the real Upstox client against the loopback fake: client-side OCO
brackets through the portfolio stream, rejections, and a real process crash between entry fill
and stop placement. (Native GTT brackets: test_upstox_native.py.)"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core.clock import FakeClock
from store.audit import AuditLog
from store.db import transaction
from store.models import AuditLogRow, OrderRow, PositionRow, TradeCardRow
from tests.conftest import REPO_ROOT
from tools.broker.upstox.http import UpstoxBroker
from tools.execution.manager import OrderManager

from .conftest import INFY_KEY, FakeFeed, Notes, add_card, add_instrument_row, seed_account
from .crash_child import CRASH_EXIT


async def until(pred: Callable[[], bool], timeout_s: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not pred():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def rows(db: Any, card_id: int) -> dict[str, OrderRow]:
    with transaction(db.sessions) as s:
        found = s.scalars(select(OrderRow).where(OrderRow.trade_card_id == card_id)
                          .order_by(OrderRow.id)).all()
        return {str(o.order_category): o for o in found}


def position(db: Any, card_id: int) -> PositionRow | None:
    with transaction(db.sessions) as s:
        return s.scalar(select(PositionRow).where(PositionRow.trade_card_id == card_id))


def make_manager(db: Any, clock: FakeClock, upstox: Any, token: str,
                 native: bool = False) -> OrderManager:
    broker = UpstoxBroker(lambda: token, clock, base_url=upstox.base_url)
    return OrderManager(db.sessions, broker, clock, AuditLog(clock), FakeFeed(clock), Notes(),
                        native_brackets=native)


async def test_bracket_via_stream_stop_hit(db: Any, clock: FakeClock, upstox: Any) -> None:
    add_instrument_row(db)
    account = seed_account(db, clock)
    card = add_card(db, clock, account)
    mgr = make_manager(db, clock, upstox, upstox.issue_token())

    async def pump() -> None:
        async for update in mgr.broker.updates():
            await mgr.on_broker_update(update)

    task = asyncio.create_task(pump())
    try:
        await until(lambda: bool(upstox._portfolio))
        await mgr.execute_card(card)
        await until(lambda: rows(db, card).get("STOP_LOSS") is not None
                    and rows(db, card)["STOP_LOSS"].broker_order_id is not None
                    and rows(db, card).get("TAKE_PROFIT") is not None
                    and rows(db, card)["TAKE_PROFIT"].broker_order_id is not None)
        assert position(db, card).quantity == 100  # type: ignore[union-attr]
        upstox.set_price(INFY_KEY, "95")
        await until(lambda: rows(db, card)["TAKE_PROFIT"].status == "CANCELLED")
        legs = rows(db, card)
        assert legs["STOP_LOSS"].status == "FILLED"
        assert legs["STOP_LOSS"].average_price == Decimal("95")
        assert position(db, card).exit_reason == "STOP"  # type: ignore[union-attr]
        statuses = sorted(o["status"] for o in upstox.ex.orders.values())
        assert statuses == ["cancelled", "complete", "complete"]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await mgr.broker.aclose()  # type: ignore[attr-defined]


async def test_rejected_entry_blocks_card(db: Any, clock: FakeClock, upstox: Any) -> None:
    add_instrument_row(db)
    upstox.add_instrument(INFY_KEY, "INFY", "100", lot=7)  # 100 shares is not a whole lot
    account = seed_account(db, clock)
    card = add_card(db, clock, account)
    mgr = make_manager(db, clock, upstox, upstox.issue_token())
    await mgr.execute_card(card)
    with transaction(db.sessions) as s:
        row = s.get(TradeCardRow, card)
        assert row.status == "BLOCKED"
        assert "UDAPI100036" in (row.rejection_reason or "")
    entry = rows(db, card)["ENTRY"]
    assert entry.status == "REJECTED"
    assert "lot size" in (entry.status_message or "")
    assert mgr.notifier.texts  # type: ignore[union-attr]
    await mgr.broker.aclose()  # type: ignore[attr-defined]


async def test_crash_after_entry_fill_restart_places_stop(db: Any, clock: FakeClock,
                                                          upstox: Any) -> None:
    add_instrument_row(db)
    account = seed_account(db, clock)
    card = add_card(db, clock, account)
    token = upstox.issue_token()
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.integration.execution.crash_child", db.url,
        upstox.base_url, token, str(card), clock.now().isoformat(),
        cwd=REPO_ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(child.communicate(), timeout=60)
    assert child.returncode == CRASH_EXIT, stderr.decode()[-2000:]
    assert position(db, card).quantity == 100  # type: ignore[union-attr]
    assert "STOP_LOSS" not in rows(db, card)  # naked: the crash came before the stop
    mgr = make_manager(db, clock, upstox, token)  # the restart
    report = await mgr.reconcile()
    assert report["protection_placed"] == [card]
    assert rows(db, card)["STOP_LOSS"].trigger_price == Decimal("95")
    at_broker = [o for o in upstox.ex.orders.values() if o["order_type"] == "SL-M"]
    assert [(o["status"], o["quantity"]) for o in at_broker] == [("trigger pending", 100)]
    with transaction(db.sessions) as s:
        audited = s.scalars(select(AuditLogRow.action_type)).all()
    assert "reconcile.stop_restored" in audited
    again = await mgr.reconcile()  # idempotent: nothing more to place
    assert "protection_placed" not in again
    assert len(upstox.ex.orders) == 3  # entry, stop, target: never a duplicate
    assert rows(db, card)["STOP_LOSS"].status == "TRIGGER_PENDING"  # synced from the broker
    await mgr.broker.aclose()  # type: ignore[attr-defined]
