"""Blackout calendar from real NSE board-meeting rows, and the guardrail checklist."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.enums import Direction
from tests.unit.alloc.factories import NOW, book, candidate, mandate
from tools.alloc.allocator import allocate
from tools.alloc.blackout import (
    BlackoutCalendar,
    from_board_meetings,
    from_board_meetings_csv,
    parse_meeting_date,
)
from tools.guardrails import GuardrailContext, blocked, run_guardrails


def test_real_board_meetings_give_results_dates_only(shared_data):
    cal = from_board_meetings_csv(
        shared_data / "announcements" / "nse_board_meetings_2025-12-16_18.csv")
    assert date(2026, 1, 27) in cal.dates["ASIANPAINT"]  # "Financial Results" on 27-JAN-2026
    assert "MSUMI" not in cal.dates  # an ESOP meeting is not a results blackout
    assert cal.hit("ASIANPAINT", date(2026, 1, 25), 2) == date(2026, 1, 27)
    assert cal.hit("ASIANPAINT", date(2026, 1, 24), 2) is None


def test_meeting_dates_in_several_formats():
    assert parse_meeting_date("27-JAN-2026") == date(2026, 1, 27)
    assert parse_meeting_date("2026-01-27") == date(2026, 1, 27)
    assert parse_meeting_date("27/01/2026") == date(2026, 1, 27)
    assert parse_meeting_date("soon") is None
    merged = from_board_meetings([{"symbol": "a", "bm_date": "01-FEB-2026",
                                   "purpose": "Quarterly results"}]).merged(BlackoutCalendar())
    assert merged.dates == {"A": frozenset({date(2026, 2, 1)})}


def _sized(**kw):
    return allocate([candidate(**kw)], mandate(), book(), {}, BlackoutCalendar(), NOW).sized[0]


def _ctx(**kw):
    base = GuardrailContext(mandate(), book(), BlackoutCalendar(), NOW, "Information Technology")
    return replace(base, **kw)


def test_clean_card_passes_every_check():
    results = run_guardrails(_sized(), _ctx())
    assert [r.name for r in results] == ["liquidity", "banned_window", "risk_cap", "exposure",
                                         "regime", "overbought", "catalyst_fresh"]
    assert all(r.passed for r in results), results
    assert not blocked(results)


def test_hard_failures_block():
    s = _sized()
    cal = BlackoutCalendar({"TCS": frozenset({NOW.date() + timedelta(days=1)})})
    res = {r.name: r for r in run_guardrails(s, _ctx(blackout=cal))}
    assert not res["banned_window"].passed
    assert res["banned_window"].hard
    res = {r.name: r for r in run_guardrails(s, _ctx(mandate=mandate(risk_per_trade_percent=0.1)))}
    assert not res["risk_cap"].passed
    tight = _ctx(book=book(cash=str(s.position_size_inr - 1)))
    assert not {r.name: r for r in run_guardrails(s, tight)}["exposure"].passed
    assert blocked(run_guardrails(s, tight))


def test_exposure_counts_cards_sized_earlier_in_the_run():
    s = _sized()
    ctx = _ctx(mandate=mandate(max_positions=1), earlier=(s,))
    assert not {r.name: r for r in run_guardrails(s, ctx)}["exposure"].passed


@pytest.mark.parametrize(("kw", "name"), [
    ({"rsi_14": 82.0}, "overbought"),
    ({"stance": "BEARISH"}, "regime"),
    ({"strategy": "event_driven"}, "catalyst_fresh"),
    ({"event_timestamp": NOW - timedelta(days=5)}, "catalyst_fresh"),
])
def test_soft_failures_warn_without_blocking(kw, name):
    results = run_guardrails(_sized(**kw), _ctx())
    failed = [r for r in results if not r.passed]
    assert [r.name for r in failed] == [name]
    assert not failed[0].hard
    assert not blocked(results)


def test_high_vol_regime_warns_a_risk_minimised_mandate():
    s = _sized(regime_label="HIGH_VOL", direction=Direction.LONG)
    res = {r.name: r for r in run_guardrails(s, _ctx(mandate=mandate(objective="RISK_MINIMIZED")))}
    assert not res["regime"].passed
    assert Decimal(0) < s.risk_amount
