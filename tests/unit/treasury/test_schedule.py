"""Funding calendar: SIP dates, tranche triggers, staged lump sums and deployable cash."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import ValidationError
from store.db import transaction
from store.models import BarRow
from tools.accounts.service import current_funding_plan
from tools.treasury.deployable import deployable_cash
from tools.treasury.ledger import balances
from tools.treasury.schedule import (
    TreasuryScheduler,
    add_months,
    drawdown_pct,
    market_drawdown,
    sip_due_dates,
    tranche_amounts,
    tranche_due,
)


def test_monthly_dates_clamp_to_month_end_and_stop_at_term():
    got = sip_due_dates(date(2025, 1, 31), "MONTHLY", 3, date(2025, 12, 31))
    assert got == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_weekly_dates_up_to_today():
    got = sip_due_dates(date(2025, 12, 1), "WEEKLY", None, date(2025, 12, 16))
    assert got == [date(2025, 12, 1), date(2025, 12, 8), date(2025, 12, 15)]


def test_unknown_frequency_names_the_field():
    with pytest.raises(ValidationError, match="sip_frequency"):
        sip_due_dates(date(2025, 1, 1), "DAILY", None, date(2025, 2, 1))


@pytest.mark.parametrize(("trigger", "today", "dd", "due"), [
    ("immediate", date(2025, 12, 15), None, True),
    ("immediate", date(2025, 12, 14), None, False),
    ("days:30", date(2026, 1, 13), None, False),
    ("days:30", date(2026, 1, 14), None, True),
    ("date:2026-02-01", date(2026, 2, 1), None, True),
    ("dip:5", date(2025, 12, 20), 4.9, False),
    ("dip:5", date(2025, 12, 20), 5.0, True),
    ("dip:5", date(2025, 12, 20), None, False),
])
def test_tranche_triggers(trigger, today, dd, due):
    assert tranche_due(trigger, date(2025, 12, 15), today, dd) is due


def test_bad_trigger_is_a_validation_error():
    with pytest.raises(ValidationError, match="tranche_plan"):
        tranche_due("moon:3", date(2025, 1, 1), date(2025, 1, 2), None)


def test_tranche_amounts_lose_no_paise():
    parts = tranche_amounts(Decimal("100000.01"), ({"percent": 33.3}, {"percent": 33.3},
                                                   {"percent": 33.4}))
    assert sum(parts) == Decimal("100000.01")
    assert drawdown_pct([100.0, 110.0, 99.0]) == pytest.approx(10.0)


def test_schedule_credits_sip_and_stages_lump_sum_idempotently(db, clock, audit, demo_ids):
    sip, lump = demo_ids
    sched = TreasuryScheduler(clock, audit)
    with transaction(db.sessions) as s:
        first = sched.run(s)
        again = sched.run(s)
        sip_bal, lump_bal = balances(s, sip), balances(s, lump)
    assert len(first.sip_credits) == 1
    assert not again.sip_credits
    assert sip_bal.available == Decimal("25000.00")
    # 40 % immediate released; dip:5 not met; days:30 not yet due
    assert lump_bal.staged == Decimal("300000.00")
    assert lump_bal.available == Decimal("200000.00")
    assert not first.proposals
    with transaction(db.sessions) as s:  # NIFTY 6.4 % off its high meets the dip:5 trigger
        for k, close in enumerate((100.0, 110.0, 103.0)):
            s.add(BarRow(symbol="NIFTY 50", exchange="NSE", interval="1d", open=close,
                         high=close, low=close, close=close, volume=0,
                         ts=clock.now() - timedelta(days=3 - k)))
        s.flush()
        assert market_drawdown(s, clock.now()) == pytest.approx(100 * 7 / 110)
        dip = sched.run(s)
        dip_again = sched.run(s)
        bal = balances(s, lump)
    assert [p.amount for p in dip.proposals] == [Decimal("150000.00")]
    assert not dip_again.proposals
    assert bal.available == Decimal("200000.00")  # a proposal is not money


def test_sip_deployable_is_installment_plus_capped_carry_forward(db, clock, audit, demo_ids):
    sip, _ = demo_ids
    with transaction(db.sessions) as s:
        TreasuryScheduler(clock, audit).run(s)
        clock.advance(days=31)
        TreasuryScheduler(clock, audit).run(s)  # second installment
        cash = deployable_cash(s, sip, current_funding_plan(s, sip))
    # 50 000 available, 10 % buffer = 5 000 → free 45 000; cap = 25 000 × 1.5 = 37 500
    assert cash.buffer == Decimal("5000.00")
    assert cash.free_cash == Decimal("45000.00")
    assert cash.amount == Decimal("37500.00")
    assert cash.idle == Decimal("7500.00")
    with transaction(db.sessions) as s:
        clock.advance(days=365 * 3)
        run = TreasuryScheduler(clock, audit).run(s)
        bal = balances(s, sip)
    assert len(run.sip_credits) == 22  # a 24-month plan stops after its term
    assert bal.available == Decimal("600000.00")
