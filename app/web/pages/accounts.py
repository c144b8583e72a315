"""Own the account page: every mandate version, the funding plan, capital transactions, the equity
curve with drawdown and the open exposure by sector."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.web.auth import PageUser
from app.web.deps import SessionDep
from app.web.pages.common import container_of, error_page, is_simulated, render
from app.web.pages.plots import PLOTLY_JS_PATH, equity_div, exposure_div
from app.web.pages.summaries import summarise
from core.clock import to_ist
from core.errors import DeskError, NotFound
from store.repos import positions as positions_repo
from store.repos import treasury as treasury_repo
from tools.accounts import service
from tools.accounts.access import require_viewer
from tools.reports.monthly import equity_curve

router = APIRouter(tags=["pages"], include_in_schema=False)
CURVE_DAYS = 90


def sector_exposure(session: Any, account_id: int) -> dict[str, float]:
    """₹ at the last price (entry price when no quote yet) of open positions, by sector."""
    out: dict[str, float] = defaultdict(float)
    for p in positions_repo.open_positions(session, account_id):
        price = p.current_price if p.current_price is not None else p.average_entry_price
        out[p.sector or "unknown"] += float(price) * abs(p.quantity)
    return dict(out)


def _funding(session: Any, account_id: int) -> Any:
    try:
        return service.current_funding_plan(session, account_id)
    except NotFound:
        return None


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
def account_page(
    request: Request, account_id: int, user: PageUser, session: SessionDep
) -> HTMLResponse:
    try:
        require_viewer(session, user.id, account_id)
        account = service.get_account(session, account_id)
    except DeskError as exc:
        return error_page(request, exc, user, session)
    now = container_of(request).clock.now()
    today = to_ist(now).date()
    curve = equity_curve(session, account_id, today - timedelta(days=CURVE_DAYS), today)
    exposure = sector_exposure(session, account_id)
    return render(
        request,
        "account.html",
        user,
        session,
        account=account,
        summary=summarise(session, account, now, is_simulated(request)),
        mandates=list(reversed(service.mandate_history(session, account_id))),
        funding=_funding(session, account_id),
        txns=treasury_repo.list_txns(session, account_id, limit=200),
        equity_chart=equity_div(curve, f"Equity, last {CURVE_DAYS} days"),
        exposure_chart=exposure_div(exposure),
        exposure=exposure,
        plotly_js=PLOTLY_JS_PATH,
        max_dd=min(curve.drawdown, default=0.0),
    )
