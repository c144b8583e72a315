"""Intraday management and reconciliation on paper: proposals, time stop, MIS cut-off, orphans,
position mismatches, stop restored after a crash, and a broker session that expires."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from core.clock import IST
from core.domain import OrderRequest
from core.enums import OrderStatus, OrderType, Product, Side
from core.errors import TemporaryBrokerError, TokenExpired
from store.db import transaction
from store.models import AuditLogRow, Mandate, OrderRow
from tools.risk.switches import entries_paused

from .conftest import Desk
from .test_paper_bracket import card_status, orders, position


def actions(desk: Desk) -> list[str]:
    with transaction(desk.db.sessions) as s:
        return list(s.scalars(select(AuditLogRow.action_type)))


async def test_every_trade_mandate_turns_tranche_exit_into_a_proposal(desk: Desk) -> None:
    with transaction(desk.db.sessions) as s:
        s.scalar(select(Mandate)).approval_mode = "every_trade"
    card = desk.card(tranche_config=[{"percent": 50, "exit_at_r": 1}])
    await desk.manager.execute_card(card)
    await desk.tick("INFY", 100)
    await desk.tick("INFY", 105.5)
    await desk.tick("INFY", 105.6)
    assert position(desk, card).quantity == 100  # nothing sold
    assert actions(desk).count("execution.proposal") == 1  # proposed once, not every tick
    assert any("Proposal" in t for t in desk.notes.texts)


async def test_time_stop_closes_at_the_horizon(desk: Desk) -> None:
    card = desk.card(horizon_days=2)
    await desk.manager.execute_card(card)
    await desk.tick("INFY", 100)
    await desk.tick("INFY", 101, seconds=86400)
    assert position(desk, card).closed_at is None
    await desk.tick("INFY", 101, seconds=86400)  # horizon reached: a market exit goes out
    assert "time stop" in desk.notes.texts[-1]
    await desk.tick("INFY", 101.2)  # ... and fills at the next price
    pos = position(desk, card)
    assert pos.closed_at is not None
    assert pos.exit_reason == "EXIT"
    assert card_status(desk, card) == "CLOSED"


async def test_intraday_position_is_closed_before_the_mis_cutoff(desk: Desk) -> None:
    card = desk.card(horizon_days=0)  # same-day horizon: MIS
    await desk.manager.execute_card(card)
    await desk.tick("INFY", 100)
    desk.clock.set(datetime(2025, 12, 16, 15, 10, tzinfo=IST))
    await desk.tick("INFY", 100.5, seconds=1)
    legs = {o.order_category: o for o in orders(desk, card)}
    assert legs["EXIT"].status in ("SUBMITTED", "OPEN")
    await desk.tick("INFY", 100.4, seconds=1)
    assert position(desk, card).closed_at is not None


async def test_reconcile_cancels_orphans_and_reports_mismatches(desk: Desk) -> None:
    orphan = await desk.broker.place_order(OrderRequest(
        client_order_id="D99EN0deadbeef", symbol="INFY", exchange="NSE", side=Side.BUY,
        order_type=OrderType.LIMIT, product=Product.DELIVERY, quantity=5, price=Decimal("90")))
    manual = await desk.broker.place_order(OrderRequest(  # placed by hand: not ours, left alone
        client_order_id="manual-1", symbol="INFY", exchange="NSE", side=Side.BUY,
        order_type=OrderType.MARKET, product=Product.DELIVERY, quantity=3))
    await desk.tick("INFY", 100)  # the manual order fills: a position the desk does not know
    report = await desk.manager.reconcile()
    assert report["orphans_cancelled"] == [orphan.broker_order_id]
    states = {o.broker_order_id: o.status for o in await desk.broker.orders()}
    assert states[orphan.broker_order_id] == OrderStatus.CANCELLED
    assert states[manual.broker_order_id] == OrderStatus.FILLED
    assert report["position_mismatches"] == [{"INFY": {"local": 0, "broker": 3}}]
    assert "reconcile.position_mismatch" in actions(desk)


async def test_crash_between_fill_and_stop_is_healed_by_reconcile(desk: Desk) -> None:
    class Crash(BaseException):
        pass

    def crash(point: str) -> None:
        raise Crash(point)

    card = desk.card()
    await desk.manager.execute_card(card)
    desk.manager.fault = crash
    q = desk.feed.set("INFY", 100)
    updates = await desk.broker.on_quote(q)
    try:
        for u in updates:
            await desk.manager.on_broker_update(u)
    except Crash:
        pass
    assert "STOP_LOSS" not in {o.order_category for o in orders(desk, card)}
    desk.manager.fault = None
    report = await desk.manager.reconcile()
    assert report["protection_placed"] == [card]
    stops = [o for o in await desk.broker.orders() if o.order_type == OrderType.SL_M]
    assert [(o.status, o.quantity) for o in stops] == [(OrderStatus.TRIGGER_PENDING, 100)]


async def test_expired_broker_session_pauses_entries(desk: Desk) -> None:
    async def expired(_request: OrderRequest) -> object:
        raise TokenExpired("the Upstox session ended at 03:30 IST")

    desk.broker.place_order = expired  # type: ignore[method-assign]
    card = desk.card()
    await desk.manager.execute_card(card)
    assert card_status(desk, card) == "BLOCKED"
    with transaction(desk.db.sessions) as s:
        entry = s.scalar(select(OrderRow).where(OrderRow.trade_card_id == card))
        assert entry.status == "REJECTED"
        assert entries_paused(s, desk.account_id)
    assert any("Log in again" in t for t in desk.notes.texts)


async def test_stop_send_lost_after_retries_is_settled_by_reconcile(desk: Desk) -> None:
    real_place = desk.broker.place_order

    async def flaky(request: OrderRequest) -> object:
        if request.order_type == OrderType.SL_M:
            raise TemporaryBrokerError("503 after every retry")
        return await real_place(request)

    desk.broker.place_order = flaky  # type: ignore[method-assign]
    card = desk.card()
    await desk.manager.execute_card(card)
    await desk.tick("INFY", 100)  # entry fills; the stop's send fails for good
    stop = next(o for o in orders(desk, card) if o.order_category == "STOP_LOSS")
    assert (stop.status, stop.broker_order_id) == ("SUBMITTED", None)
    desk.broker.place_order = real_place  # type: ignore[method-assign]
    await desk.tick("INFY", 100.5, seconds=30)
    assert not any(o.order_type == OrderType.SL_M for o in await desk.broker.orders())
    await desk.tick("INFY", 100.5, seconds=31)  # unconfirmed for a minute: reconcile runs
    stops = [o for o in await desk.broker.orders() if o.order_type == OrderType.SL_M]
    assert [(o.status, o.quantity) for o in stops] == [(OrderStatus.TRIGGER_PENDING, 100)]
    assert "reconcile.stop_restored" in actions(desk)
