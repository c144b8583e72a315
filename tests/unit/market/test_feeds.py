"""Replay and simulated feeds on injected clocks: paced, never ahead of the clock, no real sleep."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from core.clock import IST, FakeClock, ReplayClock
from core.ports import MarketFeed
from tools.market.feed import ReplayFeed, SimulatedFeed
from tools.market.replay import interval_span, ready_at
from tools.market.simulator import MarketSimulator

D0 = date(2025, 12, 15)


def _daily(days: int = 4) -> pd.DataFrame:
    rows = []
    for k in range(days):
        ts = datetime.combine(D0 + timedelta(days=k), datetime.min.time(), tzinfo=IST) + timedelta(
            hours=9, minutes=15
        )
        for sym, base in (("TCS", 3200.0), ("INFY", 1600.0)):
            px = base + 10 * k
            rows.append(
                {
                    "symbol": sym,
                    "exchange": "NSE",
                    "ts": ts,
                    "open": px,
                    "high": px + 5,
                    "low": px - 5,
                    "close": px + 2,
                    "volume": 100 + k,
                    "source": "YFINANCE",
                }
            )
    return pd.DataFrame(rows)


def test_interval_span_and_ready_time() -> None:
    assert interval_span("5m") == timedelta(minutes=5)
    assert interval_span("1d") == timedelta(minutes=375)
    with pytest.raises(ValueError, match="unknown bar interval"):
        interval_span("5x")
    bar_ts = datetime(2025, 12, 15, 3, 45, tzinfo=UTC)
    assert ready_at(bar_ts, "1d") == datetime(2025, 12, 15, 10, 0, tzinfo=UTC)  # 15:30 IST


def test_replay_feed_never_shows_the_future() -> None:
    clock = FakeClock(datetime(2025, 12, 16, 12, 0, tzinfo=IST))  # mid-session on day 2
    feed = ReplayFeed(_daily(), clock)
    assert isinstance(feed, MarketFeed)
    far = datetime(2030, 1, 1, tzinfo=UTC)
    hist = feed.history("TCS", "1d", datetime(2025, 1, 1, tzinfo=UTC), far)
    assert [b.ts.astimezone(IST).date() for b in hist] == [D0]
    q = feed.quote("TCS")
    assert q is not None
    assert (q.last, q.simulated) == (3202.0, True)
    clock.set(datetime(2025, 12, 16, 15, 30, tzinfo=IST))
    assert len(feed.history("TCS", "1d", datetime(2025, 1, 1, tzinfo=UTC), far)) == 2
    q = feed.quote("TCS")
    assert q.last == 3212.0
    assert (q.upper_circuit, q.lower_circuit) == (round(3202 * 1.2, 2), round(3202 * 0.8, 2))
    assert feed.quote("NOPE") is None
    assert feed.history("TCS", "5m", datetime(2025, 1, 1, tzinfo=UTC), far) == []


async def test_replay_stream_is_paced_by_a_fake_clock_without_real_sleep() -> None:
    clock = FakeClock(datetime(2025, 12, 15, 16, 0, tzinfo=IST))  # day 1 already complete
    feed = ReplayFeed(_daily(), clock)
    started = time.monotonic()
    got = []
    async for bar in feed.stream(["INFY"]):
        assert clock.now() >= ready_at(bar.ts, "1d")
        got.append(bar)
    assert time.monotonic() - started < 2
    assert [b.ts.astimezone(IST).day for b in got] == [16, 17, 18]
    assert {b.symbol for b in got} == {"INFY"}
    assert {str(b.source) for b in got} == {"REPLAY"}


async def test_replay_at_speed_jumps_nights_on_a_replay_clock() -> None:
    clock = ReplayClock(datetime(2025, 12, 15, 16, 0, tzinfo=IST), speed=3600.0)
    feed = ReplayFeed(_daily(), clock)
    started = time.monotonic()
    got = [b async for b in feed.stream(["TCS"])]
    assert len(got) == 3
    assert time.monotonic() - started < 5


@pytest.fixture(scope="module")
def sim() -> MarketSimulator:
    return MarketSimulator(5, 8, date(2025, 12, 1))


def test_simulated_feed_quotes_and_history(sim: MarketSimulator) -> None:
    clock = FakeClock(datetime(2025, 12, 10, 11, 0, tzinfo=IST))
    feed = SimulatedFeed(sim, clock, horizon_days=30)
    assert isinstance(feed, MarketFeed)
    sym = sim.symbols[0]
    start, end = datetime(2025, 11, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)
    daily = feed.history(sym, "1d", start, end)
    assert daily[-1].ts.astimezone(IST).date() == date(2025, 12, 9)
    intra = feed.history(sym, "5m", datetime(2025, 12, 10, tzinfo=IST), end)
    assert intra[-1].ts == datetime(2025, 12, 10, 10, 55, tzinfo=IST)  # 10:55-11:00 just closed
    q = feed.quote(sym)
    assert q is not None
    assert q.simulated is True
    assert q.last == intra[-1].close
    assert q.lower_circuit < q.last < q.upper_circuit
    assert q.upper_circuit == round(daily[-1].close * 1.2, 2)


async def test_simulated_stream_and_headlines_follow_the_clock(sim: MarketSimulator) -> None:
    clock = FakeClock(datetime(2025, 12, 2, 9, 0, tzinfo=IST))
    feed = SimulatedFeed(sim, clock, horizon_days=10)
    seen = []
    async for bar in feed.stream(sim.symbols[:2]):
        assert clock.now() >= bar.ts + timedelta(minutes=5)
        seen.append(bar)
        if len(seen) == 160:
            break
    assert seen[0].ts == datetime(2025, 12, 2, 9, 15, tzinfo=IST)
    assert [b.ts for b in seen] == sorted(b.ts for b in seen)
    assert {str(b.source) for b in seen} == {"SIMULATED"}
    assert seen[-1].ts.astimezone(IST).date() == date(2025, 12, 3)  # rolled into the next session
    heads = []
    async for h in feed.headlines():
        assert clock.now() >= h.ts
        heads.append(h)
    assert heads
    assert heads == sorted(heads, key=lambda h: (h.ts, h.symbol or ""))
    assert all(h.ts >= datetime(2025, 12, 3, 9, 15, tzinfo=IST) for h in heads)


def test_intraday_replay_band_is_set_around_the_previous_session_close(sim) -> None:
    days = sim.sessions(3)[1:]
    frame = pd.concat([sim.intraday_bars(d) for d in days], ignore_index=True)
    clock = FakeClock(
        datetime.combine(days[1], datetime.min.time(), tzinfo=IST) + timedelta(hours=10)
    )
    feed = ReplayFeed(frame, clock, interval="5m")
    sym = sim.symbols[1]
    prev_close = frame[
        (frame["symbol"] == sym) & (frame["ts"] < pd.Timestamp(days[1].isoformat(), tz=IST))
    ]["close"].iloc[-1]
    q = feed.quote(sym)
    assert q.upper_circuit == round(prev_close * 1.2, 2)
    assert q.lower_circuit == round(prev_close * 0.8, 2)
    last = feed.history(sym, "5m", datetime(2025, 1, 1, tzinfo=UTC), clock.now())[-1]
    assert last.ts == clock.now() - timedelta(minutes=5)
    assert q.last == last.close


async def test_stream_and_headlines_share_one_clock() -> None:
    """The stream jumps nights; headlines only wait, so a far-off headline never drags the
    clock past bars the stream has not delivered yet (deterministic on a FakeClock)."""
    import asyncio

    sim = MarketSimulator(5, 300, date(2025, 12, 1))  # enough names for daily headlines
    clock = FakeClock(datetime(2025, 12, 2, 15, 0, tzinfo=IST))
    feed = SimulatedFeed(sim, clock, horizon_days=6)
    bars, heads = [], []

    async def take_bars() -> None:
        async for bar in feed.stream(sim.symbols[:1]):
            bars.append((bar.ts, clock.now()))
            if len(bars) == 60:
                return

    async def take_heads() -> None:
        async for h in feed.headlines():
            heads.append((h.ts, clock.now()))

    head_task = asyncio.create_task(take_heads())
    await take_bars()
    head_task.cancel()
    lags = [now - (ts + timedelta(minutes=5)) for ts, now in bars]
    assert min(lags) >= timedelta(0)
    assert max(lags) <= timedelta(minutes=5)  # no bar delivered hours late
    assert bars[-1][0].astimezone(IST).date() == date(2025, 12, 3)
    assert heads  # a headline during that session (12:21 IST for this seed)
    assert all(timedelta(0) <= now - ts <= timedelta(minutes=5) for ts, now in heads)
