"""Own reads and writes of generated reports (EOD, monthly): Markdown, PDF bytes and summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, ValidationError
from store.models import ReportRow

REPORT_KINDS = ("EOD", "MONTHLY")


@dataclass(frozen=True, slots=True)
class ReportView:
    """One stored report without its PDF bytes (fetch those with `report_pdf`)."""

    id: int
    kind: str
    report_date: date
    account_id: int | None
    markdown: str
    summary: dict[str, Any]
    simulated: bool
    created_at: datetime
    has_pdf: bool


def _view(row: ReportRow) -> ReportView:
    return ReportView(
        id=row.id,
        kind=row.kind,
        report_date=row.report_date,
        account_id=row.account_id,
        markdown=row.markdown,
        summary=dict(row.summary or {}),
        simulated=row.simulated,
        created_at=row.created_at,
        has_pdf=row.pdf is not None,
    )


def _check_kind(kind: str) -> str:
    if kind not in REPORT_KINDS:
        raise ValidationError(f"unknown report kind {kind!r}; use one of {REPORT_KINDS}", "kind")
    return kind


def save_report(
    session: Session,
    *,
    kind: str,
    report_date: date,
    account_id: int | None,
    markdown: str,
    pdf: bytes | None,
    summary: dict[str, Any],
    simulated: bool,
    created_at: datetime,
) -> ReportView:
    """Insert the report or replace the one with the same (kind, date, account): a re-run wins."""
    stmt = select(ReportRow).where(
        ReportRow.kind == _check_kind(kind),
        ReportRow.report_date == report_date,
        ReportRow.account_id.is_(None)
        if account_id is None
        else ReportRow.account_id == account_id,
    )
    row = session.scalars(stmt).first()
    if row is None:
        row = ReportRow(kind=kind, report_date=report_date, account_id=account_id)
        session.add(row)
    row.markdown, row.pdf, row.summary = markdown, pdf, summary
    row.simulated, row.created_at = simulated, created_at
    session.flush()
    return _view(row)


def get_report(session: Session, report_id: int) -> ReportView:
    """Return one report or raise NotFound."""
    row = session.get(ReportRow, report_id)
    if row is None:
        raise NotFound(f"report {report_id} does not exist")
    return _view(row)


def report_pdf(session: Session, report_id: int) -> bytes:
    """Return the PDF bytes of a report; NotFound when the report or its PDF is missing."""
    row = session.get(ReportRow, report_id)
    if row is None or row.pdf is None:
        raise NotFound(f"report {report_id} has no PDF")
    return bytes(row.pdf)


def find_report(
    session: Session, kind: str, report_date: date, account_id: int | None
) -> ReportView | None:
    """Return the report for (kind, date, account) if it was generated."""
    stmt = select(ReportRow).where(
        ReportRow.kind == _check_kind(kind),
        ReportRow.report_date == report_date,
        ReportRow.account_id.is_(None)
        if account_id is None
        else ReportRow.account_id == account_id,
    )
    row = session.scalars(stmt).first()
    return None if row is None else _view(row)


def list_reports(
    session: Session,
    account_ids: set[int] | None = None,
    kind: str | None = None,
    limit: int = 100,
) -> list[ReportView]:
    """Newest first; account_ids limits to those accounts (None = every account)."""
    stmt = select(ReportRow).order_by(ReportRow.report_date.desc(), ReportRow.id.desc())
    if kind is not None:
        stmt = stmt.where(ReportRow.kind == _check_kind(kind))
    if account_ids is not None:
        stmt = stmt.where(ReportRow.account_id.in_(sorted(account_ids)))
    return [_view(r) for r in session.scalars(stmt.limit(limit))]
