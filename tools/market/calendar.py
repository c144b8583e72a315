"""Own the NSE trading calendar: sessions, holidays, open/close times and the market phase."""

from __future__ import annotations

import bisect
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import exchange_calendars as xcals

from core.clock import IST, ensure_utc, to_ist
from core.enums import MarketPhase

# NSE and BSE share the same trading holidays; exchange_calendars maintains them as "XBOM".
CALENDAR_CODE = "XBOM"
PRE_OPEN_IST = time(9, 0)
OPEN_IST = time(9, 15)
CLOSE_IST = time(15, 30)
CLOSING_START_IST = time(15, 40)
CLOSING_END_IST = time(16, 0)


@lru_cache(maxsize=1)
def _known_sessions() -> tuple[date, ...]:
    cal = xcals.get_calendar(CALENDAR_CODE)
    return tuple(ts.date() for ts in cal.sessions)


class NseCalendar:
    """NSE cash-market sessions from exchange_calendars, with a weekday fallback outside its range.

    The package knows holidays from its first to its last session (2006-11-27 to the end of the
    current year at the time of writing). Outside that range every weekday counts as a session;
    `used_fallback` turns True as soon as any answer relied on that guess.
    """

    def __init__(self) -> None:
        self._sessions = _known_sessions()
        self._session_set = frozenset(self._sessions)
        self.first_known: date = self._sessions[0]
        self.last_known: date = self._sessions[-1]
        self.used_fallback = False

    def covers(self, d: date) -> bool:
        """True when the holiday list of the package covers d (no weekday guess needed)."""
        return self.first_known <= d <= self.last_known

    def is_session(self, d: date) -> bool:
        """True when the exchange trades on d."""
        if self.covers(d):
            return d in self._session_set
        self.used_fallback = True
        return d.weekday() < 5

    def sessions(self, start: date, end: date) -> list[date]:
        """Every session from start to end, both included."""
        if end < start:
            return []
        out = _weekdays(start, min(end, self.first_known - timedelta(days=1)))
        lo = bisect.bisect_left(self._sessions, max(start, self.first_known))
        hi = bisect.bisect_right(self._sessions, min(end, self.last_known))
        out.extend(self._sessions[lo:hi])
        out.extend(_weekdays(max(start, self.last_known + timedelta(days=1)), end))
        if start < self.first_known or end > self.last_known:
            self.used_fallback = True
        return out

    def next_session(self, d: date) -> date:
        """The first session strictly after d."""
        nxt = d + timedelta(days=1)
        while not self.is_session(nxt):
            nxt += timedelta(days=1)
        return nxt

    def previous_session(self, d: date) -> date:
        """The last session strictly before d."""
        prev = d - timedelta(days=1)
        while not self.is_session(prev):
            prev -= timedelta(days=1)
        return prev

    def session_open(self, d: date) -> datetime:
        """09:15 IST on d as aware UTC; d must be a session."""
        self._require_session(d)
        return _ist_utc(d, OPEN_IST)

    def session_close(self, d: date) -> datetime:
        """15:30 IST on d as aware UTC; d must be a session."""
        self._require_session(d)
        return _ist_utc(d, CLOSE_IST)

    def phase(self, ts: datetime) -> MarketPhase:
        """Return PRE_OPEN (09:00), OPEN (09:15-15:30), CLOSING (15:40-16:00 IST) or CLOSED."""
        local = to_ist(ts)
        if not self.is_session(local.date()):
            return MarketPhase.CLOSED
        t = local.time()
        if PRE_OPEN_IST <= t < OPEN_IST:
            return MarketPhase.PRE_OPEN
        if OPEN_IST <= t < CLOSE_IST:
            return MarketPhase.OPEN
        if CLOSING_START_IST <= t < CLOSING_END_IST:
            return MarketPhase.CLOSING
        return MarketPhase.CLOSED

    def is_open(self, ts: datetime) -> bool:
        """True during continuous trading (09:15-15:30 IST on a session)."""
        return self.phase(ts) is MarketPhase.OPEN

    def session_of(self, ts: datetime) -> date:
        """The IST calendar date of ts (the session a bar at ts belongs to)."""
        return to_ist(ensure_utc(ts)).date()

    def _require_session(self, d: date) -> None:
        if not self.is_session(d):
            raise ValueError(f"{d.isoformat()} is not an NSE trading session")


def _weekdays(start: date, end: date) -> list[date]:
    out: list[date] = []
    d = start
    while d <= end:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def _ist_utc(d: date, t: time) -> datetime:
    return ensure_utc(datetime.combine(d, t, tzinfo=IST))


def daily_bar_ts(d: date) -> datetime:
    """The timestamp convention of a daily bar: the session date at 09:15 IST, as aware UTC."""
    return _ist_utc(d, OPEN_IST)
