"""EOD and monthly reports built from hand-made store rows, checked against worked figures."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pdfplumber
import pytest
from sqlalchemy import func, select

from core.clock import IST, FakeClock
from core.enums import AuditCategory, CardStatus
from core.errors import NotFound, ValidationError
from store.audit import AuditLog, entries_for, verify_chain
from store.db import transaction
from store.models import AuditLogRow, BarRow, ReportRow, TradeCardRow
from store.repos.reports import find_report, list_reports, report_pdf
from tests.unit.reports.helpers import add_account, add_card, closed_trade, open_trade
from tools.reports.eod import build_eod
from tools.reports.monthly import build_monthly
from tools.reports.service import generate_report, telegram_summary

DAY = date(2025, 12, 16)


def ist(d: date, hh: int, mm: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hh, mm, tzinfo=IST)


@pytest.fixture
def seeded(db, clock: FakeClock) -> int:  # type: ignore[no-untyped-def]
    clock.set(ist(DAY, 16, 0))
    with transaction(db.sessions) as s:
        acc = add_account(s, ist(DAY, 9, 0))
        closed_trade(s, acc, ist(DAY, 9, 30), ist(DAY, 14, 0), "INFY", "100", "108", 10)
        closed_trade(
            s,
            acc,
            ist(date(2025, 12, 9), 10),
            ist(date(2025, 12, 10), 11),
            "TCS",
            "100",
            "95",
            10,
            strategy="mean_reversion",
        )
        open_trade(s, acc, ist(DAY, 10, 0), "HDFCBANK", "100", 20, mark="103")
        rej = add_card(s, acc, ist(DAY, 10, 30), "ITC", status=CardStatus.REJECTED)
        card = s.get(TradeCardRow, rej)
        card.rejected_at, card.rejection_reason = ist(DAY, 11, 0), "too close to results"
        add_card(
            s,
            acc,
            ist(DAY, 11, 0),
            "SBIN",
            status=CardStatus.EXPIRED,
            expires_in=timedelta(hours=1),
        )
        audit = AuditLog(clock)
        audit.append(
            s,
            "risk.pretrade",
            {"ok": True, "reason": "within limits"},
            category=AuditCategory.RISK,
            account_id=acc,
        )
        audit.append(
            s,
            "risk.switch_triggered",
            {"switch_type": "MAX_DAILY_LOSS", "reason": "daily loss 2.1% > 2%"},
            category=AuditCategory.RISK,
            account_id=acc,
        )
    return acc


def test_eod_figures_match_the_worked_day(db, seeded: int) -> None:  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        r = build_eod(s, seeded, DAY, simulated=True)
    # INFY: bought 10 @ 100, sold 10 @ 108 -> +80 gross; fees today 10 + 12 + 5 (HDFCBANK entry)
    assert r.realised_gross_inr == Decimal("80.00")
    assert r.fees_inr == Decimal("27.00")
    assert r.realised_net_inr == Decimal("53.00")
    assert len(r.trades) == 3
    (pos,) = r.open_positions
    assert (pos.symbol, pos.quantity, pos.mark_price) == ("HDFCBANK", 20, Decimal("103"))
    assert pos.unrealised_inr == Decimal("60.00")
    assert r.open_risk_inr == Decimal("60.00")  # (100 - live stop 97) x 20
    counts = r.counts()
    assert (counts["REJECTED"], counts["EXPIRED"], counts["CREATED"]) == (1, 1, 4)
    # TCS lost 50 + 22 fees, INFY won: 1 of 2 closed trades
    assert (r.wins, r.closed_trades, r.hit_rate) == (1, 2, 0.5)
    (event,) = r.risk_events  # the passed pre-trade check is not an event
    assert event.kind == "risk.switch_triggered"
    assert "MAX_DAILY_LOSS" in event.detail
    # an earlier day (replay) only sees that day
    with db.sessions() as s:
        r = build_eod(s, seeded, date(2025, 12, 10), simulated=False)
    assert r.realised_gross_inr == Decimal("-50.00")
    assert r.fees_inr == Decimal("12.00")
    assert r.open_positions == ()
    assert (r.wins, r.closed_trades) == (0, 1)


def test_monthly_return_drawdown_and_attribution(db, seeded: int) -> None:  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        r = build_monthly(s, seeded, DAY, simulated=True)
    # equity: 100000 + 58 (INFY net) - 72 (TCS net) - 5 (HDFCBANK fee) + 60 unrealised
    assert r.equity_inr[-1] == pytest.approx(100041.0)
    assert r.account_return == pytest.approx(0.00041)
    assert r.max_drawdown == pytest.approx(99928 / 100000 - 1)
    by_strategy = {a.label: a.net_inr for a in r.attribution if a.dimension == "strategy"}
    assert by_strategy == {"momentum": Decimal("53.00"), "mean_reversion": Decimal("-72.00")}
    assert r.realised_net_inr == Decimal("-19.00")
    assert r.benchmark_return is None  # no NIFTY 50 bars stored yet
    with transaction(db.sessions) as s:  # the close before the month is the base: +2 %
        for d, close in (
            (date(2025, 11, 28), 24000.0),
            (date(2025, 12, 15), 24240.0),
            (date(2025, 12, 16), 24480.0),
            (date(2025, 12, 17), 99999.0),
        ):
            ts = ist(d, 15, 30)
            s.add(
                BarRow(
                    symbol="NIFTY 50",
                    exchange="NSE",
                    interval="1d",
                    ts=ts,
                    open=close,
                    high=close,
                    low=close,
                    close=close,
                    volume=0,
                )
            )
    with db.sessions() as s:
        r = build_monthly(s, seeded, DAY, simulated=True)
    assert r.benchmark_return == pytest.approx(0.02)
    assert r.benchmark_days == (date(2025, 11, 28), date(2025, 12, 15), date(2025, 12, 16))
    hit = next(d for d in r.drift if d.metric == "signal hit rate")
    assert (hit.this_month, hit.samples_this_month) == (0.5, 2)


def test_generate_stores_markdown_pdf_and_audits(db, seeded: int, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        view = generate_report(s, audit, clock, "eod", DAY, seeded, simulated=True)
    with transaction(db.sessions) as s:  # a re-run replaces the stored report
        generate_report(s, audit, clock, "eod", DAY, seeded, simulated=True)
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReportRow)) == 1
        pdf = report_pdf(s, find_report(s, "EOD", DAY, seeded).id)  # type: ignore[union-attr]
        entries = entries_for(s, account_id=seeded, action_category=AuditCategory.REPORT.value)
        assert verify_chain(s).ok
    assert "SIMULATED" in view.markdown
    assert "₹53.00" in view.markdown
    assert pdf.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "\n".join(p.extract_text() or "" for p in doc.pages)
    assert "SIMULATED" in text
    assert "End-of-day report" in text
    assert "HDFCBANK" in text
    assert len(entries) == 2
    assert "SIMULATED" in telegram_summary(view)
    # a monthly report is keyed on the first of its month
    with transaction(db.sessions) as s:
        month = generate_report(s, audit, clock, "monthly", DAY, seeded, simulated=False)
    assert month.report_date == date(2025, 12, 1)
    assert "SIMULATED" not in month.markdown
    with db.sessions() as s:
        assert [r.kind for r in list_reports(s, {seeded})] == ["EOD", "MONTHLY"]
        assert list_reports(s, {seeded + 99}) == []


def test_bad_requests_are_refused_and_store_nothing(db, seeded: int, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    audit = AuditLog(clock)
    with pytest.raises(ValidationError, match="kind"), transaction(db.sessions) as s:
        generate_report(s, audit, clock, "weekly", DAY, seeded, simulated=True)
    with pytest.raises(ValidationError, match="future"), transaction(db.sessions) as s:
        generate_report(s, audit, clock, "eod", DAY + timedelta(days=1), seeded, simulated=True)
    with pytest.raises(NotFound, match="account 999"), transaction(db.sessions) as s:
        generate_report(s, audit, clock, "eod", DAY, 999, simulated=True)
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReportRow)) == 0


def test_eod_carries_the_audit_head_at_the_close(db, seeded: int, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    from tools.reports.markdown import eod_markdown

    with db.sessions() as s:
        before = s.execute(select(func.max(AuditLogRow.seq))).scalar_one()
        head = s.execute(select(AuditLogRow.row_hash).where(AuditLogRow.seq == before)).scalar_one()
    clock.set(ist(DAY + timedelta(days=1), 10))  # a row written after the close is not the head
    with transaction(db.sessions) as s:
        AuditLog(clock).append(s, "later", {"x": 1}, category=AuditCategory.SYSTEM)
    with db.sessions() as s:
        r = build_eod(s, seeded, DAY, simulated=True)
    assert r.audit_head == (before, head)
    assert head in eod_markdown(r)
    assert r.summary()["audit_head"] == {"seq": before, "hash": head}
