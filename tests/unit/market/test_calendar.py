"""NSE calendar: sessions, phases, fallbacks, and the cross-check against the holiday CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from core.clock import IST
from core.enums import MarketPhase
from tools.market.calendar import NseCalendar, daily_bar_ts

# The shared holiday CSV (transcribed from iaseth/nse-bse-holidays) and exchange_calendars XBOM
# disagree on exactly these dates; each entry says which side is right and why.
KNOWN_DISAGREEMENTS = {
    # Holi 2021 (Monday). XBOM has it as a holiday, the CSV lacks it: the CSV filed it under 2020
    # as "2020-03-29, Sunday, Holi" (a transcription slip). XBOM is right: NSE was shut that day.
    date(2021, 3, 29): "missing from CSV",
    # The slipped row itself: a Sunday, so no session either way; it never changes a session.
    date(2020, 3, 29): "CSV lists a Sunday",
}


@pytest.fixture(scope="module")
def cal() -> NseCalendar:
    return NseCalendar()


def test_holiday_csv_agrees_with_xbom_except_noted_dates(cal: NseCalendar, shared_data) -> None:
    csv = pd.read_csv(shared_data / "reference" / "nse_trading_holidays_2018_2025.csv")
    holidays = {date.fromisoformat(d) for d in csv["date"]}
    sessions = set(cal.sessions(date(2018, 1, 1), date(2025, 12, 31)))
    weekdays = set(pd.bdate_range("2018-01-01", "2025-12-31").date)
    csv_says_closed_but_xbom_trades = {d for d in holidays if d in sessions}
    xbom_closed_not_in_csv = weekdays - sessions - holidays
    csv_weekend_rows = {d for d in holidays if d.weekday() >= 5}
    assert csv_says_closed_but_xbom_trades == set()
    assert xbom_closed_not_in_csv == {date(2021, 3, 29)}
    assert csv_weekend_rows == {date(2020, 3, 29)}
    assert set(KNOWN_DISAGREEMENTS) == xbom_closed_not_in_csv | csv_weekend_rows


def test_2024_second_source_disagreements_are_the_noted_ones(cal: NseCalendar, shared_data) -> None:
    """nse_holidays_2024_citadel.csv mixes settlement (clearing) holidays into its list and misses
    the two Mumbai election days; NSE traded on the former and was shut on the latter."""
    csv = pd.read_csv(shared_data / "reference" / "nse_holidays_2024_citadel.csv")
    days = {datetime.strptime(d, "%d-%b-%Y").date() for d in csv["date"]}  # noqa: DTZ007
    settlement_only = {
        date(2024, 2, 19),
        date(2024, 4, 1),
        date(2024, 4, 9),
        date(2024, 5, 23),
        date(2024, 9, 16),
    }
    election_days = {date(2024, 5, 20), date(2024, 11, 20)}
    assert {d for d in days if cal.is_session(d)} == settlement_only
    weekdays = set(pd.bdate_range("2024-01-01", "2024-12-31").date)
    assert {d for d in weekdays if not cal.is_session(d)} - days == election_days


def test_sessions_and_neighbours(cal: NseCalendar) -> None:
    assert cal.is_session(date(2025, 12, 16))
    assert not cal.is_session(date(2025, 12, 25))  # Christmas
    assert not cal.is_session(date(2025, 12, 20))  # Saturday
    assert cal.next_session(date(2025, 12, 24)) == date(2025, 12, 26)
    assert cal.previous_session(date(2025, 12, 26)) == date(2025, 12, 24)
    assert cal.sessions(date(2025, 12, 22), date(2025, 12, 28)) == [
        date(2025, 12, 22),
        date(2025, 12, 23),
        date(2025, 12, 24),
        date(2025, 12, 26),
    ]
    assert cal.sessions(date(2025, 12, 28), date(2025, 12, 22)) == []


def test_open_close_are_aware_utc(cal: NseCalendar) -> None:
    assert cal.session_open(date(2025, 12, 16)) == datetime(2025, 12, 16, 3, 45, tzinfo=UTC)
    assert cal.session_close(date(2025, 12, 16)) == datetime(2025, 12, 16, 10, 0, tzinfo=UTC)
    assert daily_bar_ts(date(2025, 12, 16)) == cal.session_open(date(2025, 12, 16))
    with pytest.raises(ValueError, match="not an NSE trading session"):
        cal.session_open(date(2025, 12, 25))


@pytest.mark.parametrize(
    ("hh", "mm", "phase"),
    [
        (8, 59, MarketPhase.CLOSED),
        (9, 0, MarketPhase.PRE_OPEN),
        (9, 14, MarketPhase.PRE_OPEN),
        (9, 15, MarketPhase.OPEN),
        (15, 29, MarketPhase.OPEN),
        (15, 30, MarketPhase.CLOSED),
        (15, 40, MarketPhase.CLOSING),
        (15, 59, MarketPhase.CLOSING),
        (16, 0, MarketPhase.CLOSED),
    ],
)
def test_phase_boundaries(cal: NseCalendar, hh: int, mm: int, phase: MarketPhase) -> None:
    ts = datetime(2025, 12, 16, hh, mm, tzinfo=IST)
    assert cal.phase(ts) == phase
    assert cal.is_open(ts) is (phase == MarketPhase.OPEN)


def test_holiday_is_closed_all_day(cal: NseCalendar) -> None:
    assert cal.phase(datetime(2025, 12, 25, 10, 0, tzinfo=IST)) == MarketPhase.CLOSED


def test_fallback_beyond_known_range_is_weekdays_and_flagged() -> None:
    cal = NseCalendar()
    assert not cal.used_fallback
    far = date(cal.last_known.year + 3, 6, 2)
    assert cal.is_session(far) is (far.weekday() < 5)
    assert cal.used_fallback
    assert not cal.covers(far)
    days = cal.sessions(cal.last_known, far)
    assert all(d.weekday() < 5 for d in days)
    assert cal.next_session(far) > far


def test_before_coverage_also_falls_back() -> None:
    cal = NseCalendar()
    assert cal.is_session(date(1995, 1, 2))  # a Monday, before XBOM's history
    assert cal.used_fallback
