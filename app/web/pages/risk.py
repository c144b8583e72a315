"""Own the risk page: latest snapshots, kill switches with thresholds and history, and the manual
kill and reset actions (each needs an explicit confirmation, CSRF token and approve rights)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import or_, select

from app.web.auth import PageUser, check_csrf
from app.web.deps import SessionDep
from app.web.pages.common import committing, container_of, error_page, render
from core.enums import AuditCategory, Role
from core.errors import AccessDenied, DeskError, NotFound, ValidationError
from store.models import AuditLogRow, KillSwitchRow
from store.repos import risk as risk_repo
from tools.accounts.access import UserView, require_approver, visible_account_ids
from tools.risk.switches import manual_kill, reset

router = APIRouter(tags=["pages"], include_in_schema=False)
FLASH = {"killed": "Kill switch engaged: new entries are paused.", "reset": "Kill switch reset."}


def _require_act(session: Any, user: UserView, account_id: int | None) -> None:
    """Approvers act on their accounts; only an ADMIN may kill or reset the whole portfolio."""
    if account_id is None:
        if user.role != Role.ADMIN.value:
            raise AccessDenied("only an admin may kill or reset the whole portfolio")
        return
    require_approver(session, user.id, account_id)


def _confirmed(confirm: str) -> None:
    if confirm != "yes":
        raise ValidationError("tick the confirmation box to go ahead", "confirm")


@router.get("/risk", response_class=HTMLResponse)
def risk_page(
    request: Request, user: PageUser, session: SessionDep, done: str | None = None
) -> HTMLResponse:
    visible = sorted(visible_account_ids(session, user.id))
    mine = or_(KillSwitchRow.account_id.in_(visible), KillSwitchRow.account_id.is_(None))
    switches = [
        risk_repo.switch_view(r)
        for r in session.scalars(
            select(KillSwitchRow).where(mine).order_by(KillSwitchRow.id.desc())
        )
    ]
    history = list(
        session.scalars(
            select(AuditLogRow)
            .where(
                AuditLogRow.action_category == AuditCategory.RISK.value,
                or_(AuditLogRow.account_id.in_(visible), AuditLogRow.account_id.is_(None)),
            )
            .order_by(AuditLogRow.seq.desc())
            .limit(100)
        )
    )
    snapshots = {a: risk_repo.latest_snapshots(session, 1, account_id=a) for a in visible}
    return render(
        request,
        "risk.html",
        user,
        session,
        switches=switches,
        history=history,
        snapshots={a: s[0] for a, s in snapshots.items() if s},
        flash=FLASH.get(done or ""),
    )


@router.post("/risk/kill", response_model=None)
def kill(
    request: Request,
    user: PageUser,
    session: SessionDep,
    reason: Annotated[str, Form()] = "",
    account: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    container = container_of(request)
    try:
        check_csrf(request, container, csrf_token)
        _confirmed(confirm)
        account_id = int(account) if account.strip() else None
        with committing(session):
            _require_act(session, user, account_id)
            manual_kill(
                session, container.audit, account_id, reason, user.username, clock=container.clock
            )
    except ValueError:
        return error_page(
            request, ValidationError(f"{account!r} is not an account id", "account"), user, session
        )
    except DeskError as exc:
        return error_page(request, exc, user, session)
    return RedirectResponse("/risk?done=killed", status_code=303)


@router.post("/risk/switches/{switch_id}/reset", response_model=None)
def reset_switch(
    request: Request,
    switch_id: int,
    user: PageUser,
    session: SessionDep,
    confirm: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    container = container_of(request)
    try:
        check_csrf(request, container, csrf_token)
        _confirmed(confirm)
        with committing(session):
            row = session.get(KillSwitchRow, switch_id)
            if row is None:
                raise NotFound(f"kill switch {switch_id} does not exist")
            _require_act(session, user, row.account_id)
            reset(session, container.audit, switch_id, user.username, now=container.clock.now())
    except DeskError as exc:
        return error_page(request, exc, user, session)
    return RedirectResponse("/risk?done=reset", status_code=303)
