"""Fixtures for execution tests: seeded account/mandate/card rows, a hand-written quote feed,
a paper broker and an order manager wired to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.clock import FakeClock
from core.domain import BrokerOrder, Fill, Quote
from store.audit import AuditLog
from store.db import transaction
from store.models import Account, CapitalTransaction, Mandate, TradeCardRow
from tools.broker.paper import PaperBroker
from tools.execution.manager import OrderManager


class FakeFeed:
    """Quotes set by the test; `quote(symbol)` returns the latest."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self._quotes: dict[str, Quote] = {}
        self._volume: dict[str, int] = {}

    def set(self, symbol: str, price: float | str, volume: int = 0, lower: float | None = None,
            upper: float | None = None) -> Quote:
        self._volume[symbol] = self._volume.get(symbol, 0) + volume
        q = Quote(symbol=symbol, exchange="NSE", ts=self.clock.now(), last=float(price),
                  volume=self._volume[symbol], lower_circuit=lower, upper_circuit=upper)
        self._quotes[symbol] = q
        return q

    def quote(self, symbol: str) -> Quote | None:
        return self._quotes.get(symbol)


@dataclass
class Notes:
    texts: list[str] = field(default_factory=list)

    async def notify(self, text: str, account_id: int | None = None) -> None:
        self.texts.append(text)


@dataclass
class Desk:
    db: Any
    clock: FakeClock
    feed: FakeFeed
    broker: PaperBroker
    manager: OrderManager
    audit: AuditLog
    notes: Notes
    account_id: int

    async def tick(self, symbol: str, price: float | str, volume: int = 0,
                   seconds: float = 5) -> list[BrokerOrder | Fill]:
        """Advance the clock, publish a price, let the broker match and the manager react."""
        self.clock.advance(seconds)
        q = self.feed.set(symbol, price, volume)
        updates = await self.broker.on_quote(q)
        for u in updates:
            await self.manager.on_broker_update(u)
        await self.manager.on_quote(q)
        return updates

    def card(self, **kw: Any) -> int:
        return add_card(self.db, self.clock, self.account_id, **kw)


def seed_account(db: Any, clock: FakeClock, capital: str = "1000000",
                 daily_loss_pct: float | None = 2.0, approval_mode: str = "entries_only") -> int:
    with transaction(db.sessions) as s:
        n = len(s.scalars(select(Account.id)).all())
        acc = Account(user_id="u1", name=f"account {n + 1}", account_type="LUMP_SUM",
                      status="ACTIVE", created_at=clock.now())
        s.add(acc)
        s.flush()
        s.add(Mandate(account_id=acc.id, version=1, max_daily_loss_percent=daily_loss_pct,
                      approval_mode=approval_mode, is_active=True, created_at=clock.now()))
        s.add(CapitalTransaction(account_id=acc.id, transaction_type="DEPOSIT",
                                 amount=Decimal(capital), timestamp=clock.now()))
        return acc.id


def add_card(db: Any, clock: FakeClock, account_id: int, **kw: Any) -> int:
    values: dict[str, Any] = {
        "account_id": account_id, "symbol": "INFY", "exchange": "NSE", "direction": "LONG",
        "entry_price": Decimal("100"), "entry_order_type": "MARKET", "quantity": 100,
        "approved_quantity": 100, "stop_loss": Decimal("95"), "take_profit": Decimal("110"),
        "status": "APPROVED", "horizon_days": 5, "created_at": clock.now(),
        "approved_at": clock.now(),
        "expires_at": clock.now() + timedelta(hours=1), "strategy": "momentum"}
    values.update(kw)
    with transaction(db.sessions) as s:
        row = TradeCardRow(**values)
        s.add(row)
        s.flush()
        return row.id


@pytest.fixture(scope="session")
def migrated_sqlite(_sqlite_template: Path) -> Path:
    """The session's migrated SQLite template (copy it; never write to it)."""
    return _sqlite_template


@pytest.fixture
def desk(db: Any, clock: FakeClock) -> Desk:
    feed = FakeFeed(clock)
    audit = AuditLog(clock)
    broker = PaperBroker(clock, feed, slippage_bps=Decimal("0"))
    notes = Notes()
    manager = OrderManager(db.sessions, broker, clock, audit, feed, notes)
    account_id = seed_account(db, clock)
    feed.set("INFY", 100)
    return Desk(db, clock, feed, broker, manager, audit, notes, account_id)


INFY_KEY = "NSE_EQ|INE009A01021"


@pytest.fixture(scope="session")
def _upstox_process() -> Any:
    from datetime import datetime

    from core.clock import IST
    from tests.fakes.upstox_server import FakeUpstox

    with FakeUpstox(FakeClock(datetime(2025, 12, 16, 9, 15, tzinfo=IST))) as srv:
        yield srv


@pytest.fixture
def upstox(_upstox_process: Any, clock: FakeClock) -> Any:
    _upstox_process.reset(clock)
    _upstox_process.add_instrument(INFY_KEY, "INFY", "100", tick="0.05", lower="80",
                                   upper="120")
    return _upstox_process


def add_instrument_row(db: Any) -> None:
    from store.models import Instrument

    with transaction(db.sessions) as s:
        s.add(Instrument(symbol="INFY", exchange="NSE", tick_size=Decimal("0.05"), lot_size=1,
                         instrument_key=INFY_KEY, sector="IT", is_active=True))
