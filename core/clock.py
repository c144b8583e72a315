"""Own "now": an injectable clock (live, replay at any speed, fake for tests)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

IST = ZoneInfo("Asia/Kolkata")


def ensure_utc(ts: datetime) -> datetime:
    """Return ts as an aware UTC datetime; naive input is rejected rather than guessed."""
    if ts.tzinfo is None:
        raise ValueError("naive datetime: the desk only accepts timezone-aware times")
    return ts.astimezone(UTC)


def to_ist(ts: datetime) -> datetime:
    """Convert an aware datetime to India Standard Time for display and the exchange calendar."""
    return ensure_utc(ts).astimezone(IST)


@runtime_checkable
class Clock(Protocol):
    """Source of the current time and of waiting; never call datetime.now() elsewhere."""

    def now(self) -> datetime:
        """Return the current aware UTC time."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of clock time."""
        ...

    @property
    def simulated(self) -> bool:
        """True when time is not the wall clock (replay or fake)."""
        ...


class LiveClock:
    """The wall clock."""

    simulated = False

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class FakeClock:
    """A clock that moves only when told to; sleeping advances it instantly."""

    simulated = True

    def __init__(self, start: datetime) -> None:
        self._now = ensure_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, ts: datetime) -> None:
        """Jump to ts (may not go backwards)."""
        ts = ensure_utc(ts)
        if ts < self._now:
            raise ValueError("a clock never goes backwards")
        self._now = ts

    def advance(self, seconds: float = 0.0, **kwargs: float) -> datetime:
        """Move forward by seconds (or timedelta keyword arguments) and return the new time."""
        self._now += timedelta(seconds=seconds, **kwargs)
        return self._now

    async def sleep(self, seconds: float) -> None:
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)


class ReplayClock:
    """Clock time that starts at `start` and runs `speed` times faster than the wall clock."""

    simulated = True

    def __init__(self, start: datetime, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._origin = ensure_utc(start)
        self._mono0 = time.monotonic()
        self.speed = speed

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._mono0) * self.speed
        return self._origin + timedelta(seconds=elapsed)

    def jump_to(self, ts: datetime) -> None:
        """Skip forward (e.g. over a night) without waiting."""
        ts = ensure_utc(ts)
        if ts < self.now():
            raise ValueError("a clock never goes backwards")
        self._origin, self._mono0 = ts, time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.speed)
