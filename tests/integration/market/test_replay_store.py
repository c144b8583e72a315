"""ReplayFeed on the bars table (SQLite and Postgres): simulated bars stored, then replayed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.clock import IST, FakeClock
from store.db import transaction
from store.repos.market import upsert_bars
from tools.market.feed import ReplayFeed
from tools.market.simulator import MarketSimulator


async def test_replay_from_store_plays_stored_simulated_bars(db) -> None:
    sim = MarketSimulator(9, 4, date(2025, 12, 1))
    bars = sim.daily_bars(6)
    with transaction(db.sessions) as s:
        assert upsert_bars(s, bars) == 24
    clock = FakeClock(datetime(2025, 12, 3, 16, 0, tzinfo=IST))
    feed = ReplayFeed.from_store(db.sessions, clock, symbols=sim.symbols[:2])
    past = feed.history(sim.symbols[0], "1d", datetime(2025, 1, 1, tzinfo=UTC), clock.now())
    assert [b.ts.astimezone(IST).day for b in past] == [1, 2, 3]
    assert {str(b.source) for b in past} == {"SIMULATED"}
    played = [b async for b in feed.stream(sim.symbols[:2])]
    assert len(played) == 2 * 3
    first = bars[(bars["symbol"] == played[0].symbol)].iloc[3]
    assert played[0].close == first["close"]
