"""Own replay: play stored bars through an injected clock at any speed, never ahead of it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta
from typing import Any, cast

import numpy as np
import pandas as pd

from core.clock import IST, Clock, ensure_utc
from core.domain import Bar
from core.enums import DataSource

SESSION_MINUTES = 375  # 09:15-15:30 IST
# Longer clock waits than this are skipped with clock.jump_to (nights, weekends) when possible.
MAX_WAIT = timedelta(minutes=30)
POLL_STEP = timedelta(minutes=1)  # of clock time


def interval_span(interval: str) -> timedelta:
    """How long one bar lasts: "1d" is one session (375 min), "5m" five minutes, "1h" an hour."""
    unit, qty = interval[-1], interval[:-1]
    if not qty.isdigit() or unit not in "mhd" or int(qty) <= 0:
        raise ValueError(f"unknown bar interval {interval!r} (use e.g. 1m, 5m, 1h, 1d)")
    minutes = {"m": 1, "h": 60, "d": SESSION_MINUTES}[unit] * int(qty)
    return timedelta(minutes=minutes)


def ready_at(ts: datetime, interval: str) -> datetime:
    """When a bar opened at ts is complete and may be seen (a daily bar: at the 15:30 close)."""
    return ensure_utc(ts) + interval_span(interval)


async def wait_until(clock: Clock, ts: datetime, *, skip_idle: bool = True) -> None:
    """Sleep on the clock until ts, in steps of at most POLL_STEP so that a jump made by someone
    else (another consumer of the same clock) is noticed. With skip_idle, a wait longer than
    MAX_WAIT (a night, a weekend) is jumped over when the clock can jump (jump_to / set);
    only the feed's main stream should do that, or it would rush every other consumer."""
    while (delta := ts - clock.now()) > timedelta(0):
        jump = getattr(clock, "jump_to", None) or getattr(clock, "set", None)
        if skip_idle and delta > MAX_WAIT and callable(jump):
            jump(ts)
            return
        await clock.sleep(min(delta, POLL_STEP).total_seconds())


def frame_to_bars(df: pd.DataFrame, interval: str, source: DataSource | None = None) -> list[Bar]:
    """Long-format rows to Bar values (source from the frame unless overridden)."""
    out = []
    stamps = pd.to_datetime(df["ts"], utc=True)
    for rec, ts in zip(df.to_dict("records"), stamps, strict=True):
        out.append(
            Bar(
                symbol=str(rec["symbol"]),
                exchange=str(rec.get("exchange") or "NSE"),
                interval=interval,
                ts=ts.to_pydatetime(),
                open=float(rec["open"]),
                high=float(rec["high"]),
                low=float(rec["low"]),
                close=float(rec["close"]),
                volume=int(rec["volume"]),
                oi=_opt_int(rec.get("oi")),
                source=source or DataSource(str(rec.get("source") or DataSource.CSV)),
            )
        )
    return out


def _opt_int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


class BarReplay:
    """Stored bars (long format) indexed for time-ordered playback on a clock."""

    def __init__(self, frame: pd.DataFrame, interval: str = "1d") -> None:
        interval_span(interval)
        self.interval = interval
        df = frame.copy()
        df["ts"] = pd.to_datetime(df["ts"], utc=True)
        df["symbol"] = df["symbol"].astype(str)
        self.frame = df.sort_values(["ts", "symbol"], kind="stable").reset_index(drop=True)
        ready = self.frame["ts"] + interval_span(interval)
        self._ready = ready.dt.tz_localize(None).to_numpy()
        self._by_symbol = {
            str(k): np.asarray(v) for k, v in self.frame.groupby("symbol").indices.items()
        }

    def _count_ready(self, now: datetime) -> int:
        """How many bars (in time order) are complete at now."""
        key = np.datetime64(ensure_utc(now).replace(tzinfo=None))
        return int(np.searchsorted(self._ready, key, side="right"))

    def available(self, now: datetime) -> pd.DataFrame:
        """Bars complete at `now` (no look-ahead)."""
        return self.frame.iloc[: self._count_ready(now)]

    def _rows(self, symbol: str, now: datetime) -> pd.DataFrame:
        """symbol's bars complete at now, in time order."""
        pos = self._by_symbol.get(symbol)
        if pos is None:
            return self.frame.iloc[0:0]
        return self.frame.iloc[pos[: np.searchsorted(pos, self._count_ready(now))]]

    def history(self, symbol: str, start: datetime, end: datetime, now: datetime) -> list[Bar]:
        """Bars of symbol opened in [start, end] and complete at now."""
        df = self._rows(symbol, now)
        sel = df[(df["ts"] >= ensure_utc(start)) & (df["ts"] <= ensure_utc(end))]
        return frame_to_bars(sel, self.interval)

    def latest(self, symbol: str, now: datetime) -> tuple[pd.Series | None, float | None]:
        """The last complete bar of symbol at now, and the reference price of its circuit band:
        the last close of an earlier session, else (first day seen) that day's first open."""
        df = self._rows(symbol, now)
        if df.empty:
            return None, None
        days = df["ts"].dt.tz_convert(IST).dt.date
        today = days.iloc[-1]
        before = df[days < today]
        ref = before["close"].iloc[-1] if not before.empty else df[days == today]["open"].iloc[0]
        return df.iloc[-1], float(ref)

    async def play(
        self,
        clock: Clock,
        symbols: Iterable[str] | None = None,
        source: DataSource | None = DataSource.REPLAY,
    ) -> AsyncIterator[Bar]:
        """Yield each bar not yet complete at the clock's now, when the clock reaches its end."""
        wanted = set(symbols) if symbols else None
        rest = self.frame.iloc[self._count_ready(clock.now()) :]
        if wanted is not None:
            rest = rest[rest["symbol"].isin(wanted)]
        for ts, group in rest.groupby("ts", sort=True):
            await wait_until(clock, ready_at(cast(pd.Timestamp, ts).to_pydatetime(), self.interval))
            for bar in frame_to_bars(group, self.interval, source):
                yield bar
