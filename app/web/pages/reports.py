"""Own the reports pages: the stored EOD and monthly reports of the user's accounts, each readable
in the browser and downloadable as Markdown or PDF, and generation for any past date."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.web.auth import PageUser, check_csrf
from app.web.deps import SessionDep
from app.web.pages.common import committing, container_of, error_page, is_simulated, render
from app.web.pages.mdhtml import markdown_html
from core.clock import to_ist
from core.errors import AccessDenied, DeskError, ValidationError
from store.repos.reports import ReportView, get_report, list_reports, report_pdf
from tools.accounts.access import UserView, require_viewer, visible_account_ids
from tools.reports.service import generate_report

router = APIRouter(tags=["pages"], include_in_schema=False)


def _visible_report(session: Any, user: UserView, report_id: int) -> ReportView:
    report = get_report(session, report_id)
    if report.account_id is None or report.account_id not in visible_account_ids(session, user.id):
        raise AccessDenied(f"you do not have access to report {report_id}")
    return report


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request, user: PageUser, session: SessionDep, account: int | None = None
) -> HTMLResponse:
    visible = visible_account_ids(session, user.id)
    if account is not None:
        try:
            require_viewer(session, user.id, account)
        except DeskError as exc:
            return error_page(request, exc, user, session)
        visible = {account}
    today = to_ist(container_of(request).clock.now()).date()
    return render(
        request,
        "reports.html",
        user,
        session,
        reports=list_reports(session, visible),
        account=account,
        today=today.isoformat(),
    )


@router.get("/reports/{report_id}.pdf", response_model=None)
def report_pdf_download(
    request: Request, report_id: int, user: PageUser, session: SessionDep
) -> Response:
    try:
        report = _visible_report(session, user, report_id)
        pdf = report_pdf(session, report_id)
    except DeskError as exc:
        return error_page(request, exc, user, session)
    return _attachment(report, pdf, "pdf", "application/pdf")


@router.get("/reports/{report_id}.md", response_model=None)
def report_md_download(
    request: Request, report_id: int, user: PageUser, session: SessionDep
) -> Response:
    try:
        report = _visible_report(session, user, report_id)
    except DeskError as exc:
        return error_page(request, exc, user, session)
    return _attachment(report, report.markdown, "md", "text/markdown; charset=utf-8")


def _attachment(report: Any, body: bytes | str, ext: str, media_type: str) -> Response:
    name = f"{report.kind.lower()}-{report.report_date.isoformat()}-account{report.account_id}"
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{ext}"'})


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request, report_id: int, user: PageUser, session: SessionDep
) -> HTMLResponse:
    try:
        report = _visible_report(session, user, report_id)
    except DeskError as exc:
        return error_page(request, exc, user, session)
    return render(
        request, "report.html", user, session, report=report, body=markdown_html(report.markdown)
    )


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{text!r} is not a YYYY-MM-DD date", "date") from None


def _parse_account(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValidationError(f"{text!r} is not an account id", "account") from None


@router.post("/reports/generate", response_model=None)
def generate(
    request: Request,
    user: PageUser,
    session: SessionDep,
    kind: Annotated[str, Form()] = "eod",
    day: Annotated[str, Form()] = "",
    account: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    container = container_of(request)
    try:
        check_csrf(request, container, csrf_token)
        account_id = _parse_account(account)
        report_day = _parse_date(day)
        with committing(session):
            require_viewer(session, user.id, account_id)
            view = generate_report(
                session,
                container.audit,
                container.clock,
                kind,
                report_day,
                account_id,
                simulated=is_simulated(request),
            )
    except DeskError as exc:
        return error_page(request, exc, user, session)
    return RedirectResponse(f"/reports/{view.id}", status_code=303)
