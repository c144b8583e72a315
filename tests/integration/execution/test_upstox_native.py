"""The order manager with native Upstox brackets (one multi-leg GTT per card) on the fake:
entry and stop through the stream, a stuck LIMIT stop escalated to a market exit, and fills
adopted by reconciliation after downtime."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sqlalchemy import select

from core.clock import FakeClock
from core.domain import Quote
from store.db import transaction
from store.models import AuditLogRow

from .conftest import INFY_KEY, add_card, add_instrument_row, seed_account
from .test_upstox_execution import make_manager, position, rows, until


def ready(db: Any, clock: FakeClock) -> int:
    add_instrument_row(db)
    return add_card(db, clock, seed_account(db, clock), entry_order_type="LIMIT")


async def test_gtt_bracket_entry_and_stop_through_the_stream(db: Any, clock: FakeClock,
                                                             upstox: Any) -> None:
    card = ready(db, clock)
    mgr = make_manager(db, clock, upstox, upstox.issue_token(), native=True)

    async def pump() -> None:
        async for update in mgr.broker.updates():
            await mgr.on_broker_update(update)

    task = asyncio.create_task(pump())
    try:
        await until(lambda: bool(upstox._portfolio))
        ids = await mgr.execute_card(card)
        assert len(ids) == 3  # entry, stop and target rows: one GTT
        assert len({r.bracket_id for r in rows(db, card).values()}) == 1
        await until(lambda: getattr(position(db, card), "quantity", 0) == 100)
        assert rows(db, card)["ENTRY"].status == "FILLED"
        upstox.set_price(INFY_KEY, "95")
        await until(lambda: getattr(position(db, card), "closed_at", None) is not None)
        legs = rows(db, card)
        assert (legs["STOP_LOSS"].status, legs["TAKE_PROFIT"].status) == ("FILLED", "CANCELLED")
        assert position(db, card).exit_reason == "STOP"  # type: ignore[union-attr]
        assert upstox.place_count() == 0  # no client-side orders: the GTT did everything
        assert len(upstox.ex.orders) == 2
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await mgr.broker.aclose()  # type: ignore[attr-defined]


async def test_stuck_gtt_stop_is_escalated_to_a_market_exit(db: Any, clock: FakeClock,
                                                           upstox: Any) -> None:
    card = ready(db, clock)
    mgr = make_manager(db, clock, upstox, upstox.issue_token(), native=True)
    await mgr.execute_card(card)
    await mgr.reconcile()  # adopts the entry fill (no stream running here)
    assert position(db, card).quantity == 100  # type: ignore[union-attr]
    upstox.set_price(INFY_KEY, "93")  # gap through 95: the stop's LIMIT sell at 95 rests
    await mgr.reconcile()
    assert rows(db, card)["STOP_LOSS"].status == "OPEN"
    for seconds in (1, 6):  # the breach is seen, then outlasts escalate_after_s
        clock.advance(seconds)
        await mgr.on_quote(Quote("INFY", "NSE", clock.now(), 93.0))
    await mgr.reconcile()
    pos = position(db, card)
    assert pos is not None
    assert pos.closed_at is not None
    assert pos.exit_reason == "EXIT"
    legs = rows(db, card)
    assert legs["STOP_LOSS"].status == "CANCELLED"
    assert legs["EXIT"].average_price == 93
    assert upstox.ex.live_gtts() == []  # the GTT was cancelled before the market exit
    with transaction(db.sessions) as s:
        actions = s.scalars(select(AuditLogRow.action_type)).all()
    assert "execution.close" in actions
    await mgr.broker.aclose()  # type: ignore[attr-defined]


async def test_fills_while_down_are_adopted_by_reconcile(db: Any, clock: FakeClock,
                                                         upstox: Any) -> None:
    card = ready(db, clock)
    token = upstox.issue_token()
    first = make_manager(db, clock, upstox, token, native=True)
    await first.execute_card(card)
    await first.broker.aclose()  # type: ignore[attr-defined]
    upstox.set_price(INFY_KEY, "110")  # entry filled earlier; now the target fills: we are down
    mgr = make_manager(db, clock, upstox, token, native=True)
    report = await mgr.reconcile()
    assert len(report["bracket_orders_mapped"]) == 2
    assert len(report["fills_adopted"]) == 2
    legs = rows(db, card)
    assert (legs["ENTRY"].status, legs["TAKE_PROFIT"].status, legs["STOP_LOSS"].status) == (
        "FILLED", "FILLED", "CANCELLED")
    assert position(db, card).exit_reason == "TARGET"  # type: ignore[union-attr]
    assert "protection_placed" not in report
    await mgr.broker.aclose()  # type: ignore[attr-defined]
