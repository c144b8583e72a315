"""Own the home page: every visible account with capital, deployed, cash, open risk, today's P&L
and active kill switches."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.web.auth import PageUser
from app.web.deps import SessionDep
from app.web.pages.common import container_of, is_simulated, render
from app.web.pages.summaries import summarise
from tools.accounts.access import visible_account_ids
from tools.accounts.service import list_accounts

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: PageUser, session: SessionDep) -> HTMLResponse:
    now = container_of(request).clock.now()
    accounts = list_accounts(session, visible_account_ids(session, user.id))
    rows = [summarise(session, a, now, is_simulated(request)) for a in accounts]
    return render(request, "home.html", user, session, rows=rows)
