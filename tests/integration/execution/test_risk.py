"""Risk monitor snapshots, kill switches (auto and manual), their enforcement and reset."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.enums import SwitchType, ThresholdType
from core.errors import RiskRefused
from store.db import transaction
from store.models import AuditLogRow, FillRow, KillSwitchRow, OrderRow
from store.repos.positions import realized_since
from tools.risk import switches
from tools.risk.monitor import RiskMonitor
from tools.risk.pretrade import session_start

from .conftest import Desk


def monitor(desk: Desk) -> RiskMonitor:
    return RiskMonitor(desk.db.sessions, desk.clock, desk.audit, desk.feed, desk.notes)


async def test_tick_writes_account_and_portfolio_snapshots(desk: Desk) -> None:
    card = desk.card()
    await desk.manager.execute_card(card)
    await desk.tick("INFY", 100)
    desk.feed.set("INFY", 102)
    rows = monitor(desk).tick()
    by_scope = {r["account_id"]: r for r in rows}
    assert set(by_scope) == {desk.account_id, None}
    acc = by_scope[desk.account_id]
    assert acc["open_positions_count"] == 1
    assert acc["total_unrealized_pnl"] == pytest.approx(200.0)
    assert acc["total_open_risk"] == pytest.approx(700.0)  # (102 - 95) x 100
    assert acc["sector_exposures"] == {"UNKNOWN": pytest.approx(1.02)}
    assert 999_900 < by_scope[None]["equity"] < 1_000_000  # capital less the entry's fees


async def test_daily_loss_switch_fires_pauses_entries_and_cancels_pending(desk: Desk) -> None:
    with transaction(desk.db.sessions) as s:
        switches.configure(s, desk.audit, desk.clock, switch_type=SwitchType.MAX_DAILY_LOSS,
                           threshold=1000, threshold_type=ThresholdType.ABSOLUTE,
                           account_id=desk.account_id)
    card = desk.card()
    await desk.manager.execute_card(card)
    await desk.tick("INFY", 100)
    pending = desk.card(entry_order_type="LIMIT", entry_price=Decimal("97"),
                        stop_loss=Decimal("94"), take_profit=Decimal("105"))
    await desk.manager.execute_card(pending)
    desk.feed.set("INFY", 90)  # a gap through the stop, before the broker has matched it
    monitor(desk).tick()
    with transaction(desk.db.sessions) as s:
        row = s.scalar(select(KillSwitchRow))
        assert row.is_triggered
        assert switches.entries_paused(s, desk.account_id)
    done = await desk.manager.enforce_switches()
    assert len(done["entries_cancelled"]) == 1
    with pytest.raises(RiskRefused):
        await desk.manager.execute_card(desk.card())


async def test_manual_kill_flatten_and_reset(desk: Desk) -> None:
    card = desk.card()
    await desk.manager.execute_card(card)
    await desk.tick("INFY", 100)
    with transaction(desk.db.sessions) as s:
        sw = switches.manual_kill(s, desk.audit, None, "operator panic", "alice", flatten=True)
        sw_id = sw.id
    await desk.manager.enforce_switches()
    await desk.tick("INFY", 99)
    with transaction(desk.db.sessions) as s:
        exits = s.scalars(select(OrderRow).where(OrderRow.order_category == "EXIT")).all()
        assert [o.status for o in exits] == ["FILLED"]
        stops = s.scalars(select(OrderRow).where(OrderRow.order_category == "STOP_LOSS")).all()
        assert [o.status for o in stops] == ["CANCELLED"]  # no stop re-armed while closing
        switches.reset(s, desk.audit, sw_id, "alice")
        assert not switches.entries_paused(s, desk.account_id)
        actions = [a.action_type for a in s.scalars(select(AuditLogRow))]
    assert "risk.switch_triggered" in actions
    assert "risk.switch_reset" in actions


async def test_switch_auto_resets_after_minutes(desk: Desk) -> None:
    with transaction(desk.db.sessions) as s:
        switches.configure(s, desk.audit, desk.clock, switch_type=SwitchType.MAX_OPEN_RISK,
                           threshold=0.01, threshold_type=ThresholdType.PERCENTAGE,
                           account_id=desk.account_id, auto_reset_minutes=30)
    await desk.manager.execute_card(desk.card())
    await desk.tick("INFY", 100)
    mon = monitor(desk)
    assert mon.tick()[0]["kill_switches_active"]
    await mon.flush_notifications()
    assert any("Kill switch fired" in t for t in desk.notes.texts)
    await desk.tick("INFY", 110.5)  # target hit: no open risk any more
    desk.clock.advance(timedelta(minutes=31).total_seconds())
    rows = mon.tick()
    assert all(not r["kill_switches_active"] for r in rows)


async def test_vol_spike_from_india_vix(desk: Desk) -> None:
    with transaction(desk.db.sessions) as s:
        switches.configure(s, desk.audit, desk.clock, switch_type=SwitchType.VOL_SPIKE,
                           threshold=20, threshold_type=ThresholdType.PERCENTAGE)
    mon = monitor(desk)
    desk.feed.set("INDIA VIX", 14)
    mon.tick()
    desk.feed.set("INDIA VIX", 16)
    assert not mon.tick()[0]["kill_switches_active"]
    desk.feed.set("INDIA VIX", 17.5)
    rows = mon.tick()
    assert all(r["kill_switches_active"] for r in rows)
    with transaction(desk.db.sessions) as s:
        assert switches.entries_paused(s, desk.account_id)


async def test_realized_today_counts_only_todays_fills(desk: Desk) -> None:
    card = desk.card()
    await desk.manager.execute_card(card)
    await desk.tick("INFY", 100)  # entry fills today (day 1)
    await desk.tick("INFY", 94.5, seconds=86400)  # day 2: the stop fills at the gap price
    with transaction(desk.db.sessions) as s:
        day2 = realized_since(s, desk.account_id, session_start(desk.clock.now()))
        exit_fees = s.scalar(select(func.max(FillRow.fees)).where(FillRow.side == "SELL"))
        both = realized_since(s, desk.account_id, session_start(desk.clock.now())
                              - timedelta(days=1))
        entry_fees = s.scalar(select(FillRow.fees).where(FillRow.side == "BUY"))
    assert day2 == Decimal("-550.00") - exit_fees  # 100 x (94.5 - 100), day-2 fees only
    assert both == day2 - entry_fees


async def test_price_updates_enforce_a_flatten_kill_without_being_asked(desk: Desk) -> None:
    card = desk.card()
    await desk.manager.execute_card(card)
    await desk.tick("INFY", 100)
    with transaction(desk.db.sessions) as s:
        switches.manual_kill(s, desk.audit, desk.account_id, "halt", "alice", flatten=True)
    desk.manager._enforced_at = float("-inf")  # the wall-clock throttle has elapsed
    await desk.tick("INFY", 99)  # on_quote enforces: the close goes out
    await desk.tick("INFY", 99)  # ... and fills
    with transaction(desk.db.sessions) as s:
        exits = s.scalars(select(OrderRow).where(OrderRow.order_category == "EXIT")).all()
    assert [o.status for o in exits] == ["FILLED"]
