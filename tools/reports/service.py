"""Own report generation end to end: build → Markdown → charts → PDF → store → audit."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy.orm import Session

from core.clock import Clock, to_ist
from core.enums import AuditCategory
from core.errors import ValidationError
from store.audit import AuditLog
from store.repos.reports import ReportView, save_report
from tools.reports.charts import attribution_chart, eod_positions_chart, equity_chart
from tools.reports.data import report_account_ids
from tools.reports.eod import build_eod
from tools.reports.markdown import eod_markdown, inr, monthly_markdown, pct
from tools.reports.monthly import build_monthly
from tools.reports.pdf import render_pdf

KINDS = {"eod": "EOD", "monthly": "MONTHLY"}


def generate_report(
    session: Session,
    audit: AuditLog,
    clock: Clock,
    kind: str,
    day: date,
    account_id: int,
    *,
    simulated: bool,
) -> ReportView:
    """Generate, store (replacing any earlier run) and audit one report of one account."""
    stored_kind = KINDS.get(kind.lower())
    if stored_kind is None:
        raise ValidationError(f"unknown report kind {kind!r}; use eod or monthly", "kind")
    if day > to_ist(clock.now()).date():
        raise ValidationError(f"{day.isoformat()} is in the future", "date")
    t0 = time.perf_counter()
    if stored_kind == "EOD":
        eod = build_eod(session, account_id, day, simulated=simulated)
        markdown, summary = eod_markdown(eod), eod.summary()
        charts = [eod_positions_chart(eod)]
        report_date, title = day, f"EOD {eod.account.name} {day.isoformat()}"
    else:
        month = build_monthly(session, account_id, day, simulated=simulated)
        markdown, summary = monthly_markdown(month), month.summary()
        charts = [
            equity_chart(month),
            attribution_chart(month, "strategy"),
            attribution_chart(month, "sector"),
        ]
        report_date = month.month_start
        title = f"Monthly {month.account.name} {month.month_start.isoformat()[:7]}"
    pdf = render_pdf(markdown, [c for c in charts if c], simulated=simulated, title=title)
    view = save_report(
        session,
        kind=stored_kind,
        report_date=report_date,
        account_id=account_id,
        markdown=markdown,
        pdf=pdf,
        summary=summary,
        simulated=simulated,
        created_at=clock.now(),
    )
    audit.append(
        session,
        "REPORT_GENERATED",
        {
            "report_id": view.id,
            "kind": stored_kind,
            "report_date": report_date,
            "simulated": simulated,
            "pdf_bytes": len(pdf),
            "summary": summary,
        },
        category=AuditCategory.REPORT,
        account_id=account_id,
        latency_ms=int((time.perf_counter() - t0) * 1000),
    )
    return view


def generate_all(
    session: Session,
    audit: AuditLog,
    clock: Clock,
    kind: str,
    day: date,
    *,
    simulated: bool,
    account_ids: list[int] | None = None,
) -> list[ReportView]:
    """Generate the report for every open account (or the given ones)."""
    ids = account_ids if account_ids is not None else report_account_ids(session)
    return [generate_report(session, audit, clock, kind, day, a, simulated=simulated) for a in ids]


def telegram_summary(view: ReportView) -> str:
    """A short phone-sized summary of a stored report for the notifier."""
    s = view.summary
    tag = "SIMULATED · " if view.simulated else ""
    if view.kind == "EOD":
        return (
            f"{tag}EOD {view.report_date.isoformat()} account {view.account_id}: "
            f"net {inr(s.get('realised_net_inr'))} (fees {inr(s.get('fees_inr'))}), "
            f"{s.get('open_positions', 0)} open, risk {inr(s.get('open_risk_inr'))}. "
            f"PDF: /reports/{view.id}.pdf"
        )
    return (
        f"{tag}Monthly {s.get('month')!s} account {view.account_id}: "
        f"{pct(_float(s.get('account_return')))} vs NIFTY 50 "
        f"{pct(_float(s.get('benchmark_return')))}, max DD "
        f"{pct(_float(s.get('max_drawdown')))}. PDF: /reports/{view.id}.pdf"
    )


def _float(v: object) -> float | None:
    return float(v) if isinstance(v, int | float) else None
