"""Bracket lifecycle on the paper broker: entry, OCO stop/target, trailing, tranches, refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.errors import Conflict, RiskRefused
from store.db import transaction
from store.models import AuditLogRow, FillRow, OrderRow, PositionRow, TradeCardRow

from .conftest import Desk


def orders(desk: Desk, card_id: int) -> list[OrderRow]:
    with transaction(desk.db.sessions) as s:
        return list(s.scalars(select(OrderRow).where(OrderRow.trade_card_id == card_id)
                              .order_by(OrderRow.id)))


def position(desk: Desk, card_id: int) -> PositionRow:
    with transaction(desk.db.sessions) as s:
        pos = s.scalar(select(PositionRow).where(PositionRow.trade_card_id == card_id))
        assert pos is not None
        return pos


def card_status(desk: Desk, card_id: int) -> str | None:
    with transaction(desk.db.sessions) as s:
        return s.get(TradeCardRow, card_id).status


async def test_entry_fill_places_stop_and_target_then_stop_hit_cancels_target(desk: Desk) -> None:
    card = desk.card()
    ids = await desk.manager.execute_card(card)
    assert len(ids) == 1
    assert card_status(desk, card) == "EXECUTED"
    await desk.tick("INFY", 100)
    legs = {o.order_category: o for o in orders(desk, card)}
    assert legs["ENTRY"].status == "FILLED"
    assert legs["STOP_LOSS"].status == "TRIGGER_PENDING"
    assert legs["STOP_LOSS"].trigger_price == Decimal("95")
    assert legs["TAKE_PROFIT"].status == "OPEN"
    assert position(desk, card).quantity == 100
    await desk.tick("INFY", 94.5)
    legs = {o.order_category: o for o in orders(desk, card)}
    assert legs["STOP_LOSS"].status == "FILLED"
    assert legs["TAKE_PROFIT"].status == "CANCELLED"
    pos = position(desk, card)
    assert pos.closed_at is not None
    assert pos.exit_reason == "STOP"
    assert pos.realized_pnl < Decimal("-550")  # 100 x -5.5 minus fees
    assert card_status(desk, card) == "CLOSED"


async def test_target_hit_closes_and_cancels_stop(desk: Desk) -> None:
    card = desk.card()
    await desk.manager.execute_card(card)
    await desk.tick("INFY", 100)
    await desk.tick("INFY", 110.5)
    legs = {o.order_category: o for o in orders(desk, card)}
    assert legs["TAKE_PROFIT"].status == "FILLED"
    assert legs["STOP_LOSS"].status == "CANCELLED"
    pos = position(desk, card)
    assert pos.exit_reason == "TARGET"
    assert Decimal("900") < pos.realized_pnl < Decimal("1050")


async def test_execute_twice_places_one_entry(desk: Desk) -> None:
    card = desk.card()
    first = await desk.manager.execute_card(card)
    second = await desk.manager.execute_card(card)
    assert first == second
    assert len(await desk.broker.orders()) == 1


async def test_not_approved_card_is_refused_and_audited(desk: Desk) -> None:
    card = desk.card(status="PENDING")
    with pytest.raises(Conflict):
        await desk.manager.execute_card(card)
    assert orders(desk, card) == []
    with transaction(desk.db.sessions) as s:
        n = s.scalar(select(func.count()).select_from(AuditLogRow).where(
            AuditLogRow.action_type == "execution.refused"))
    assert n == 1


async def test_pretrade_refuses_entry_that_could_breach_daily_loss(desk: Desk) -> None:
    # limit 2% of 10 lakh = 20,000; risk 5 x 5,000 = 25,000 > limit
    card = desk.card(quantity=5000, approved_quantity=5000)
    with pytest.raises(RiskRefused):
        await desk.manager.execute_card(card)
    assert card_status(desk, card) == "BLOCKED"
    assert await desk.broker.orders() == []


async def test_trailing_stop_ratchets_up_only(desk: Desk) -> None:
    card = desk.card(trailing_stop_config={"trail_pct": 3})
    await desk.manager.execute_card(card)
    await desk.tick("INFY", 100)
    await desk.tick("INFY", 105)
    stop = next(o for o in orders(desk, card) if o.order_category == "STOP_LOSS")
    assert stop.trigger_price == Decimal("101.85")
    await desk.tick("INFY", 103)
    stop = next(o for o in orders(desk, card) if o.order_category == "STOP_LOSS")
    assert stop.trigger_price == Decimal("101.85")
    broker_stop = next(o for o in await desk.broker.orders() if o.broker_order_id ==
                       stop.broker_order_id)
    assert broker_stop.trigger_price == Decimal("101.85")
    await desk.tick("INFY", 101.5)
    assert position(desk, card).exit_reason == "STOP"
    assert position(desk, card).realized_pnl > 0


async def test_partial_exit_per_tranche_resizes_bracket(desk: Desk) -> None:
    card = desk.card(tranche_config=[{"percent": 50, "exit_at_r": 1}])
    await desk.manager.execute_card(card)
    await desk.tick("INFY", 100)
    await desk.tick("INFY", 105.2)
    await desk.tick("INFY", 105.3)
    pos = position(desk, card)
    assert pos.quantity == 50
    legs = [o for o in orders(desk, card) if o.status in ("OPEN", "TRIGGER_PENDING")]
    assert sorted(o.quantity - o.filled_quantity for o in legs) == [50, 50]
    with transaction(desk.db.sessions) as s:
        fills = s.scalar(select(func.count()).select_from(FillRow))
    assert fills == 2


async def test_gap_through_stop_fills_at_open_not_stop(desk: Desk) -> None:
    card = desk.card()
    await desk.manager.execute_card(card)
    await desk.tick("INFY", 100)
    await desk.tick("INFY", 88, seconds=86400)  # next morning opens far below the stop
    stop = next(o for o in orders(desk, card) if o.order_category == "STOP_LOSS")
    assert stop.status == "FILLED"
    assert stop.average_price == Decimal("88")
