"""The intake agent's offline twin: every answer parses the same way, bad answers say why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.intake.offline import AnswerError, amounts_inr, parse_answer
from agents.intake.spec import build_spec
from core.errors import ValidationError

TODAY = date(2025, 12, 16)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25000", [Decimal(25000)]),
        ("₹25,000", [Decimal(25000)]),
        ("25k", [Decimal(25000)]),
        ("5 lakh", [Decimal(500000)]),
        ("1.5 cr", [Decimal(15000000)]),
        ("rs 2 lakh and 10k", [Decimal(200000), Decimal(10000)]),
    ],
)
def test_amounts(text, expected):
    assert amounts_inr(text) == expected


def test_sip_with_duration():
    p = parse_answer("funding", "SIP 25k monthly for 2 years", TODAY)
    assert p.fields["funding_type"] == "SIP"
    assert p.fields["sip_amount"] == "25000"
    assert p.fields["sip_duration_months"] == 24
    assert any("start date" in a for a in p.assumptions)


def test_lump_sum_in_tranches_adds_to_100():
    p = parse_answer("funding", "lump sum 5 lakh in 3 tranches", TODAY)
    plan = p.fields["tranche_plan"]
    assert [t["trigger"] for t in plan] == ["immediate", "days:30", "days:60"]
    assert sum(t["percent"] for t in plan) == pytest.approx(100.0)


def test_hybrid_needs_both_amounts():
    with pytest.raises(AnswerError):
        parse_answer("funding", "SIP monthly plus a lump sum of 2 lakh", TODAY)
    p = parse_answer("funding", "SIP 10k monthly plus lump sum 2 lakh in 2 tranches", TODAY)
    assert p.fields["funding_type"] == "HYBRID"


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("2 to 10 days", 2, 10),
        ("10-2 days", 2, 10),
        ("2 weeks", 1, 10),
        ("intraday", 1, 1),
        ("swing", 2, 10),
    ],
)
def test_horizon(text, lo, hi):
    p = parse_answer("horizon", text, TODAY)
    assert (p.fields["horizon_min_days"], p.fields["horizon_max_days"]) == (lo, hi)


def test_risk_numbers_override_level():
    p = parse_answer("risk", "1% per trade, 8% max drawdown", TODAY)
    assert p.fields["risk_per_trade_percent"] == 1.0
    assert p.fields["max_drawdown_percent"] == 8.0
    low = parse_answer("risk", "low", TODAY)
    assert low.fields["risk_per_trade_percent"] == 0.5


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("objective", "dunno"),
        ("funding", "some money"),
        ("horizon", "whenever"),
        ("risk", "spicy"),
        ("sectors", "crypto"),
        ("strategies", "astrology"),
        ("approval", "maybe"),
        ("name", "   "),
        ("name", "x" * 600),
    ],
)
def test_unparseable_answers_raise_answer_error(key, text):
    with pytest.raises(AnswerError):
        parse_answer(key, text, TODAY)


def test_sectors_and_strategies():
    assert parse_answer("sectors", "banking, pharma", TODAY).fields["banned_sectors"] == [
        "Financial Services",
        "Healthcare",
    ]
    assert parse_answer("sectors", "none", TODAY).fields["banned_sectors"] == []
    assert parse_answer("strategies", "all", TODAY).fields["allowed_strategies"] == [
        "momentum",
        "mean_reversion",
        "event_driven",
        "ml",
    ]


def _fields(**over):
    base = {
        "name": {"name": "T"},
        "objective": {"objective": "BALANCED"},
        "funding": parse_answer("funding", "SIP 10k monthly", TODAY).fields,
        "horizon": {"horizon_min_days": 2, "horizon_max_days": 10},
        "risk": parse_answer("risk", "medium", TODAY).fields,
        "sectors": {"banned_sectors": []},
        "strategies": {"allowed_strategies": ["momentum"]},
        "approval": {"approval_mode": "every_trade"},
    }
    base.update(over)
    return base


def test_build_spec_writes_summary_and_logs_defaults():
    spec = build_spec(_fields(), ["x assumed"], owner="demo")
    assert spec.mandate.summary.startswith("T is an SIP account")
    notes = [a["assumption"] for a in spec.mandate.assumption_log]
    assert notes[0] == "x assumed"
    assert any("not asked" in n for n in notes)


def test_build_spec_names_the_bad_field():
    with pytest.raises(ValidationError) as err:
        build_spec(_fields(horizon={"horizon_min_days": 2, "horizon_max_days": 400}), [], "demo")
    assert err.value.field == "horizon_max_days"


def test_amount_followed_by_monthly_is_kept():
    p = parse_answer("funding", "SIP 25000 monthly for 24 months", TODAY)
    assert p.fields["sip_amount"] == "25000"


@settings(max_examples=150, deadline=None)
@given(
    key=st.sampled_from(
        ["name", "objective", "funding", "horizon", "risk", "sectors", "strategies", "approval"]
    ),
    text=st.text(max_size=120),
)
def test_any_text_parses_or_says_why(key, text):
    """Never a crash: either fields come back or an AnswerError says what was missing."""
    message = ""
    try:
        parsed = parse_answer(key, text, TODAY)
    except AnswerError as exc:
        message = str(exc)
    else:
        assert isinstance(parsed.fields, dict)
        return
    assert message


def test_huge_amount_is_refused():
    with pytest.raises(AnswerError, match="too large"):
        parse_answer("funding", "SIP 99999999999999 monthly", TODAY)
