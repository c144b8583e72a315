"""Property tests: random price paths and event orders on the paper broker never produce a
duplicate order, an order without an APPROVED card, an over-sold position, or a daily loss
beyond MAX_DAILY_LOSS by more than the gap-through slippage of the exits."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.clock import FakeClock
from core.domain import BrokerOrder, Fill
from core.errors import Conflict, RiskRefused
from store.audit import AuditLog
from store.db import make_engine, session_factory, transaction
from store.models import FillRow, OrderRow, PositionRow, TradeCardRow
from tests.conftest import Database
from tools.broker.paper import PaperBroker
from tools.execution.manager import OrderManager
from tools.risk.pretrade import daily_loss_limit

from .conftest import FakeFeed, add_card, seed_account

card_spec = st.tuples(
    st.integers(2000, 6000),  # quantity: big enough that two stops exceed the limit
    st.decimals("2", "8", places=1),  # stop distance, % of entry
    st.sampled_from([True, True, True, False]),  # approved? (mostly)
)
event = st.one_of(
    st.tuples(st.just("execute"), st.integers(0, 3)),
    st.tuples(st.just("tick"), st.decimals("-2", "2", places=2)),
    st.tuples(st.just("gap"), st.decimals("-15", "8", places=2)),
    st.tuples(st.just("replay"), st.just(0)),
    st.tuples(st.just("restart"), st.just(0)),
)


class World:
    def __init__(self, template: Path, tmp: Path) -> None:
        from datetime import datetime

        from core.clock import IST

        path = tmp / "prop.sqlite3"
        shutil.copy(template, path)
        engine = make_engine(f"sqlite:///{path}")
        self.db = Database("sqlite", f"sqlite:///{path}", engine, session_factory(engine))
        self.clock = FakeClock(datetime(2025, 12, 16, 9, 20, tzinfo=IST))
        self.feed = FakeFeed(self.clock)
        self.broker = PaperBroker(self.clock, self.feed, slippage_bps=Decimal("0"))
        self.price = Decimal("100")
        self.feed.set("INFY", self.price)
        self.last: list[BrokerOrder | Fill] = []
        self.account = seed_account(self.db, self.clock)
        self.manager = self._manager()
        self.max_limit = Decimal(0)
        self.note_limit()

    def note_limit(self) -> None:
        """The limit moves with equity (it is a % of it); the bound is the largest it has been."""
        with transaction(self.db.sessions) as s:
            limit = daily_loss_limit(s, self.account)
        assert limit is not None
        self.max_limit = max(self.max_limit, limit)

    def _manager(self) -> OrderManager:
        return OrderManager(self.db.sessions, self.broker, self.clock, AuditLog(self.clock),
                            self.feed)

    async def step(self, kind: str, arg: Any, cards: list[int]) -> None:
        if kind == "execute":
            with contextlib.suppress(Conflict, RiskRefused):
                await self.manager.execute_card(cards[arg % len(cards)])
        elif kind in ("tick", "gap"):
            self.price = max(Decimal("5"), self.price + Decimal(arg))
            self.clock.advance(5)
            q = self.feed.set("INFY", self.price)
            self.last = await self.broker.on_quote(q)
            for u in self.last:
                await self.manager.on_broker_update(u)
            await self.manager.on_quote(q)
        elif kind == "replay":  # the broker re-delivers the last batch
            for u in self.last:
                await self.manager.on_broker_update(u)
        else:  # a restart: a fresh manager that reconciles with the broker
            self.manager = self._manager()
            await self.manager.reconcile()
        self.note_limit()


def check_invariants(w: World) -> None:
    with transaction(w.db.sessions) as s:
        orders = s.scalars(select(OrderRow)).all()
        cards = {c.id: c for c in s.scalars(select(TradeCardRow))}
        assert len({o.client_order_id for o in orders}) == len(orders)
        broker_ids = [o.broker_order_id for o in orders if o.broker_order_id]
        assert len(set(broker_ids)) == len(broker_ids)
        assert len(w.broker._orders) == len({o.req.client_order_id
                                             for o in w.broker._orders.values()})
        for o in orders:
            card = cards[o.trade_card_id]
            assert card.approved_at is not None
            assert card.status not in ("PENDING", "REJECTED", "EXPIRED")
        for card_id in cards:
            live_stops = [o for o in orders if o.trade_card_id == card_id and o.status in
                          ("CREATED", "SUBMITTED", "OPEN", "TRIGGER_PENDING")
                          and o.order_category == "STOP_LOSS"]
            assert len(live_stops) <= 1
        for pos in s.scalars(select(PositionRow)):
            assert 0 <= pos.quantity <= (pos.initial_quantity or 0)
            if pos.quantity > 0:
                assert pos.stop_loss is not None
        realized = sum((p.realized_pnl or Decimal(0) for p in s.scalars(select(PositionRow))),
                       Decimal(0))
        unrealized = sum(((w.price - p.average_entry_price) * p.quantity
                          for p in s.scalars(select(PositionRow)) if p.closed_at is None),
                         Decimal(0))
        excess = Decimal(0)
        for f in s.scalars(select(FillRow)):
            order = s.get(OrderRow, f.order_id)
            stop = cards[order.trade_card_id].stop_loss
            if order.order_category != "ENTRY":
                excess += max(Decimal(0), (stop - f.price) * f.quantity)  # gap-through
        assert -(realized + unrealized) <= w.max_limit + excess


@pytest.mark.slow
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(card_spec, min_size=2, max_size=4),
       events=st.lists(event, min_size=4, max_size=25))
async def test_random_paths_keep_invariants(migrated_sqlite: Path, specs: list[Any],
                                            events: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        w = World(migrated_sqlite, Path(tmp))
        cards = []
        for qty, stop_pct, approved in specs:
            stop = (Decimal("100") * (1 - stop_pct / 100)).quantize(Decimal("0.05"))
            cards.append(add_card(w.db, w.clock, w.account, quantity=qty, approved_quantity=qty,
                                  entry_order_type="LIMIT", stop_loss=stop,
                                  take_profit=Decimal("112"),
                                  status="APPROVED" if approved else "PENDING",
                                  approved_at=w.clock.now() if approved else None))
        opening = [("execute", i) for i in range(len(cards))]  # every approval arrives once
        for kind, arg in opening + events:
            await w.step(kind, arg, cards)
        check_invariants(w)
        w.db.engine.dispose()
