"""Own earnings blackouts: scheduled board-meeting/result dates per symbol from the filings feed."""

from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.clock import to_ist
from core.enums import EventSource, EventType
from store.models import EventRow

_RESULTS = re.compile(r"financial\s+results|quarterly\s+results|audited|unaudited|earnings",
                      re.IGNORECASE)
_FILINGS = (EventSource.NSE_FILING.value, EventSource.BSE_ANNOUNCEMENT.value)
_DATE_KEYS = ("bm_date", "meeting_date", "board_meeting_date", "scheduled_date", "result_date")


@dataclass(frozen=True)
class BlackoutCalendar:
    """Scheduled result dates per symbol; a date within N days either side is a blackout."""

    dates: Mapping[str, frozenset[date]] = field(default_factory=dict)

    def hit(self, symbol: str, today: date, days: int) -> date | None:
        """The nearest scheduled result within `days` calendar days of today, if any."""
        if days < 0:
            return None
        near = [d for d in self.dates.get(symbol.upper(), ()) if abs((d - today).days) <= days]
        return min(near, key=lambda d: (abs((d - today).days), d)) if near else None

    def merged(self, other: BlackoutCalendar) -> BlackoutCalendar:
        out: dict[str, set[date]] = defaultdict(set)
        for cal in (self, other):
            for sym, ds in cal.dates.items():
                out[sym].update(ds)
        return BlackoutCalendar({k: frozenset(v) for k, v in out.items()})


def parse_meeting_date(text: str) -> date | None:
    """Parse NSE board-meeting dates such as 27-JAN-2026, 2026-01-27 or 27/01/2026."""
    text = text.strip()
    for fmt in ("%d-%b-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text.title() if "%b" in fmt else text, fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def is_results_meeting(purpose: str) -> bool:
    return bool(_RESULTS.search(purpose or ""))


def from_board_meetings(rows: Iterable[Mapping[str, Any]]) -> BlackoutCalendar:
    """Rows with symbol, bm_date and purpose (the NSE board-meeting listing); results only."""
    out: dict[str, set[date]] = defaultdict(set)
    for row in rows:
        d = parse_meeting_date(str(row.get("bm_date", "")))
        if d is not None and row.get("symbol") and is_results_meeting(str(row.get("purpose"))):
            out[str(row["symbol"]).upper()].add(d)
    return BlackoutCalendar({k: frozenset(v) for k, v in out.items()})


def from_board_meetings_csv(path: Path) -> BlackoutCalendar:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return from_board_meetings(csv.DictReader(fh))


def _event_date(row: EventRow) -> date | None:
    feats = row.features or {}
    for key in _DATE_KEYS:
        if feats.get(key):
            d = parse_meeting_date(str(feats[key]))
            if d is not None:
                return d
    if row.event_type == EventType.EARNINGS.value and row.event_timestamp is not None:
        return to_ist(row.event_timestamp).date()
    return None


def from_events(session: Session, symbols: Iterable[str], today: date,
                horizon_days: int = 60) -> BlackoutCalendar:
    """Result dates from stored filings: a scheduled date in `features` (bm_date …) when the
    feed recorded one, else the timestamp of an EARNINGS event, within ± horizon_days."""
    wanted = {s.upper() for s in symbols}
    lo = today - timedelta(days=horizon_days)
    out: dict[str, set[date]] = defaultdict(set)
    filed_since = datetime.combine(lo - timedelta(days=horizon_days), datetime.min.time(), UTC)
    stmt = select(EventRow).where(
        EventRow.duplicate_of.is_(None), EventRow.event_timestamp >= filed_since,
        or_(EventRow.event_type == EventType.EARNINGS.value, EventRow.source.in_(_FILINGS)))
    for row in session.scalars(stmt):
        d = _event_date(row)
        text = f"{row.title or ''} {(row.features or {}).get('purpose', '')}"
        is_result = row.event_type == EventType.EARNINGS.value or is_results_meeting(text)
        if d is None or not is_result or d < lo or d > today + timedelta(days=horizon_days):
            continue
        for sym in row.symbols or []:
            if sym.upper() in wanted:
                out[sym.upper()].add(d)
    return BlackoutCalendar({k: frozenset(v) for k, v in out.items()})
