"""Own the positions and orders page, refreshed live by htmx polling of a rendered partial."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.web.auth import PageUser
from app.web.deps import SessionDep
from app.web.pages.common import error_page, render, trailing
from core.errors import DeskError
from store.models import PositionRow
from store.repos import orders as orders_repo
from store.repos import positions as positions_repo
from tools.accounts.access import require_viewer, visible_account_ids

router = APIRouter(tags=["pages"], include_in_schema=False)
REFRESH_S = 3


@dataclass(frozen=True, slots=True)
class PositionLine:
    id: int
    account_id: int
    trade_card_id: int | None
    symbol: str
    direction: str | None
    quantity: int
    average_entry_price: Decimal
    current_price: Decimal | None
    stop_loss: Decimal | None
    take_profit: Decimal | None
    trailing: str
    unrealized_pnl: Decimal | None
    realized_pnl: Decimal | None
    fees_paid: Decimal | None
    opened_at: datetime | None
    closed_at: datetime | None
    exit_reason: str | None


def position_line(row: PositionRow) -> PositionLine:
    return PositionLine(
        id=row.id,
        account_id=row.account_id,
        trade_card_id=row.trade_card_id,
        symbol=row.symbol,
        direction=row.direction,
        quantity=row.quantity,
        average_entry_price=row.average_entry_price,
        current_price=row.current_price,
        stop_loss=row.stop_loss,
        take_profit=row.take_profit,
        trailing=trailing(row.trailing_stop_config),
        unrealized_pnl=row.unrealized_pnl,
        realized_pnl=row.realized_pnl,
        fees_paid=row.fees_paid,
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        exit_reason=row.exit_reason,
    )


def _scope(session: Any, user_id: int, account: int | None) -> set[int]:
    if account is None:
        return visible_account_ids(session, user_id)
    require_viewer(session, user_id, account)
    return {account}


def _data(session: Any, ids: set[int]) -> dict[str, Any]:
    positions = [
        position_line(r) for a in sorted(ids) for r in positions_repo.open_positions(session, a)
    ]
    orders = orders_repo.list_orders(session, sorted(ids), limit=100)
    return {"positions": positions, "orders": orders}


@router.get("/positions", response_class=HTMLResponse)
def positions_page(
    request: Request, user: PageUser, session: SessionDep, account: int | None = None
) -> HTMLResponse:
    try:
        ids = _scope(session, user.id, account)
    except DeskError as exc:
        return error_page(request, exc, user, session)
    return render(
        request,
        "positions.html",
        user,
        session,
        account=account,
        refresh_s=REFRESH_S,
        **_data(session, ids),
    )


@router.get("/positions/live", response_class=HTMLResponse)
def positions_live(
    request: Request, user: PageUser, session: SessionDep, account: int | None = None
) -> HTMLResponse:
    """The partial htmx swaps in every few seconds."""
    try:
        ids = _scope(session, user.id, account)
    except DeskError as exc:
        return error_page(request, exc, user, session)
    return render(request, "_positions_live.html", user, session, **_data(session, ids))
