"""Mandate filters and ranking per objective."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.enums import Direction
from tests.unit.alloc.factories import NOW, book, candidate, mandate
from tools.alloc.blackout import BlackoutCalendar
from tools.alloc.book import Holding, InstrumentRef
from tools.alloc.filters import FilterContext, reject_reason
from tools.alloc.ranking import rank, score


def _why(c, m=None, b=None, ref=None, cal=None, pb=None):
    ctx = FilterContext(m or mandate(), b or book(), ref or InstrumentRef(c.symbol),
                        cal or BlackoutCalendar(), NOW, pb)
    return reject_reason(c, ctx)


@pytest.mark.parametrize(("cand", "mand", "expected"), [
    (candidate(horizon_days=30), mandate(), "horizon"),
    (candidate(adv_inr=1e6), mandate(), "liquidity"),
    (candidate(sector="Realty"), mandate(banned_sectors=("Realty",)), "banned sector"),
    (candidate(sector=None), mandate(banned_sectors=("Realty",)), "sector unknown"),
    (candidate(strategy="event_driven"), mandate(allowed_strategies=("momentum",)), "strategy"),
    (candidate(is_trustworthy=False), mandate(), "meta-label"),
    (candidate(expires_at=NOW), mandate(), "expired"),
    (candidate(direction=Direction.SHORT, horizon_days=3), mandate(), "short"),
    (candidate(), mandate(min_market_cap=Decimal("50000")), "market cap"),
    (candidate(adv_inr=float("nan")), mandate(), "data: adv_inr"),
    (candidate(ref_price=Decimal("0")), mandate(), "data: ref_price"),
])
def test_each_rule_names_its_reason(cand, mand, expected):
    assert expected in (_why(cand, mand) or "")


def test_a_clean_candidate_passes():
    assert _why(candidate()) is None


def test_market_cap_from_instrument_master():
    ref = InstrumentRef("TCS", market_cap_cr=Decimal("1200000"))
    assert _why(candidate(), mandate(min_market_cap=Decimal("50000")), ref=ref) is None
    small = InstrumentRef("TCS", market_cap_cr=Decimal("4000"))
    assert "market cap" in _why(candidate(), mandate(min_market_cap=Decimal("5000")), ref=small)


def test_playbook_pauses_small_caps():
    class PB:
        pause_smallcap = True

    small = InstrumentRef("TCS", market_cap_cr=Decimal("4000"))
    assert "small caps paused" in _why(candidate(), ref=small, pb=PB())


def test_blackout_window_around_results():
    today = NOW.date()
    cal = BlackoutCalendar({"TCS": frozenset({today + timedelta(days=2)})})
    assert "blackout" in _why(candidate(), mandate(earnings_blackout_days=2), cal=cal)
    assert _why(candidate(), mandate(earnings_blackout_days=1), cal=cal) is None
    assert cal.hit("tcs", today, 3) == today + timedelta(days=2)
    assert cal.hit("TCS", date(2026, 1, 1), 3) is None


def test_already_held_symbol_is_dropped():
    held = book(holdings=(Holding("TCS", "Information Technology", Decimal("1"), Decimal("1"),
                                  "position"),))
    assert "already held" in _why(candidate(), b=held)


def test_ranking_follows_the_objective():
    steady = candidate(1, "HDFCBANK", edge_pct=2.0, volatility_pct=12.0)
    wild = candidate(2, "ADANIENT", edge_pct=4.0, volatility_pct=60.0)
    assert score(wild, "MAX_PROFIT") > score(steady, "MAX_PROFIT")
    assert score(steady, "RISK_MINIMIZED") > score(wild, "RISK_MINIMIZED")
    # balanced sits between: 4/√0.6 = 5.16 vs 2/√0.12 = 5.77
    assert score(steady, "BALANCED") > score(wild, "BALANCED")
    assert score(wild, "MAX_PROFIT", boost=0.5) == pytest.approx(1.5 * score(wild, "MAX_PROFIT"))
    ordered = rank([(1.0, wild), (1.0, steady), (2.0, candidate(3, "X"))])
    assert [c.signal_id for _, c in ordered] == [3, 1, 2]


def test_smallcap_pause_lasts_its_duration():
    class PB:
        pause_smallcap = True
        pause_duration_hours = 24

    small = InstrumentRef("TCS", market_cap_cr=Decimal("4000"))
    fresh = candidate(event_timestamp=NOW - timedelta(hours=2))
    stale = candidate(event_timestamp=NOW - timedelta(hours=30))
    assert "small caps paused" in _why(fresh, ref=small, pb=PB())
    assert _why(stale, ref=small, pb=PB()) is None
