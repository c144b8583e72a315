"""Own the offline market feeds: replay of stored bars and the simulated market, on one clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock, ensure_utc, to_ist
from core.domain import Bar, Quote
from core.enums import DataSource
from store.repos.market import load_bars_frame
from tools.market.calendar import daily_bar_ts
from tools.market.headlines import SimulatedHeadline
from tools.market.replay import BarReplay, frame_to_bars, ready_at, wait_until
from tools.market.simulator import MarketSimulator

DEFAULT_BAND = 0.20  # circuit band used for quotes when the exchange's real band is unknown


def _band(prev_close: float, band: float) -> tuple[float, float]:
    return round(prev_close * (1 + band), 2), round(prev_close * (1 - band), 2)


class ReplayFeed:
    """Stored bars replayed on the clock: history and quotes never run ahead of clock.now()."""

    simulated = True  # replayed prices are real, but nothing here is a live market

    def __init__(
        self, frame: pd.DataFrame, clock: Clock, interval: str = "1d", band: float = DEFAULT_BAND
    ) -> None:
        self._replay = BarReplay(frame, interval)
        self._clock = clock
        self.interval = interval
        self.band = band

    @classmethod
    def from_store(
        cls,
        sessions: sessionmaker[Session],
        clock: Clock,
        symbols: Sequence[str] | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        interval: str = "1d",
    ) -> ReplayFeed:
        """Replay bars loaded from the bars table."""
        with sessions() as session:
            frame = load_bars_frame(session, symbols, start, end, interval)
        return cls(frame, clock, interval)

    def history(self, symbol: str, interval: str, start: datetime, end: datetime) -> list[Bar]:
        if interval != self.interval:
            return []
        return self._replay.history(symbol, start, end, self._clock.now())

    def quote(self, symbol: str) -> Quote | None:
        row, ref = self._replay.latest(symbol, self._clock.now())
        if row is None or ref is None:
            return None
        upper, lower = _band(ref, self.band)
        return Quote(
            symbol=symbol,
            exchange=str(row["exchange"]),
            ts=self._clock.now(),
            last=float(row["close"]),
            volume=int(row["volume"]),
            upper_circuit=upper,
            lower_circuit=lower,
            simulated=True,
        )

    async def stream(self, symbols: Sequence[str]) -> AsyncIterator[Bar]:
        async for bar in self._replay.play(self._clock, symbols or None):
            yield bar


class SimulatedFeed:
    """The simulated market as a live-looking feed: intraday bars, quotes and headlines."""

    simulated = True

    def __init__(
        self,
        simulator: MarketSimulator,
        clock: Clock,
        *,
        interval_minutes: int = 5,
        horizon_days: int = 250,
    ) -> None:
        self.sim = simulator
        self._clock = clock
        self.interval_minutes = interval_minutes
        self.interval = f"{interval_minutes}m"
        self.days = simulator.sessions(horizon_days)
        self._daily = simulator.daily_bars(horizon_days)
        self._daily_replay = BarReplay(self._daily, "1d")
        self._intraday: dict[date, BarReplay] = {}

    def _day_bars(self, day: date) -> BarReplay:
        if day not in self._intraday:
            if len(self._intraday) > 5:
                self._intraday.pop(next(iter(self._intraday)))
            frame = self.sim.intraday_bars(day, self.interval_minutes)
            self._intraday[day] = BarReplay(frame, self.interval)
        return self._intraday[day]

    def history(self, symbol: str, interval: str, start: datetime, end: datetime) -> list[Bar]:
        now = self._clock.now()
        if interval == "1d":
            return self._daily_replay.history(symbol, start, end, now)
        if interval != self.interval:
            return []
        out: list[Bar] = []
        for day in self.days:
            if to_ist(ensure_utc(start)).date() <= day <= to_ist(ensure_utc(end)).date() and (
                daily_bar_ts(day) <= now
            ):
                out.extend(self._day_bars(day).history(symbol, start, end, now))
        return out

    def quote(self, symbol: str) -> Quote | None:
        """Last traded price: the latest complete intraday bar today, else the last daily close;
        the circuit band is set around the previous session's close."""
        now = self._clock.now()
        daily, daily_ref = self._daily_replay.latest(symbol, now)
        today = to_ist(now).date()
        intra = None
        if today in self.days and daily_bar_ts(today) <= now:
            intra, _ = self._day_bars(today).latest(symbol, now)
        row = intra if intra is not None else daily
        if row is None:
            return None
        if daily is not None and to_ist(daily["ts"].to_pydatetime()).date() < today:
            ref = float(daily["close"])
        else:
            ref = daily_ref if daily_ref is not None else float(row["open"])
        upper, lower = _band(ref, self.sim.params.band_frac)
        return Quote(
            symbol=symbol,
            exchange="NSE",
            ts=now,
            last=float(row["close"]),
            volume=int(row["volume"]),
            upper_circuit=upper,
            lower_circuit=lower,
            simulated=True,
        )

    async def stream(self, symbols: Sequence[str]) -> AsyncIterator[Bar]:
        """Intraday bars of every remaining session, each yielded when the clock reaches its end."""
        for day in self.days:
            if ready_at(daily_bar_ts(day), "1d") <= self._clock.now():
                continue
            async for bar in self._day_bars(day).play(
                self._clock, symbols or None, DataSource.SIMULATED
            ):
                yield bar

    async def headlines(self) -> AsyncIterator[SimulatedHeadline]:
        """Synthetic headlines as they 'happen' on the clock (each precedes its price jump).

        It only waits: stream() is the one that jumps the clock over nights, so the two can run
        side by side on one ReplayClock."""
        for head in self.sim.headlines():
            if head.ts < self._clock.now():
                continue
            await wait_until(self._clock, head.ts, skip_idle=False)
            yield head

    def daily_history_frame(self) -> pd.DataFrame:
        """All simulated daily bars complete at the clock's now (long format)."""
        return self._daily_replay.available(self._clock.now()).sort_values(["symbol", "ts"])


__all__ = ["ReplayFeed", "SimulatedFeed", "frame_to_bars"]
