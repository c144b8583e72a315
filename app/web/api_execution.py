"""Own the execution JSON API: positions, orders, risk snapshots, kill switches (kill, reset)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from app.web.deps import ContainerDep, CsrfDep, SessionDep, UserDep, committing
from core.enums import Role
from core.errors import NotFound
from store.models import KillSwitchRow
from store.repos import orders as orders_repo
from store.repos import positions as positions_repo
from store.repos import risk as risk_repo
from tools.accounts import access
from tools.risk import switches

router = APIRouter(prefix="/execution", tags=["execution"])


class PositionOut(BaseModel):
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
    unrealized_pnl: Decimal | None
    realized_pnl: Decimal | None
    fees_paid: Decimal | None
    exit_reason: str | None
    opened_at: datetime | None
    closed_at: datetime | None


class OrderOut(BaseModel):
    id: int
    trade_card_id: int
    account_id: int
    client_order_id: str
    broker_order_id: str | None
    category: str | None
    symbol: str
    side: str | None
    order_type: str | None
    quantity: int
    price: Decimal | None
    trigger_price: Decimal | None
    status: str | None
    status_message: str | None
    filled_quantity: int
    average_price: Decimal | None
    fees: Decimal | None
    placed_at: datetime | None


class SnapshotOut(BaseModel):
    account_id: int | None
    total_open_risk: float | None
    total_unrealized_pnl: float | None
    open_positions_count: int | None
    daily_new_risk: float | None
    daily_realized_pnl: float | None
    daily_max_drawdown: float | None
    portfolio_volatility: float | None
    volatility_target: float | None
    equity: float | None
    sector_exposures: dict[str, Any]
    kill_switches_active: list[Any]
    timestamp: datetime | None


class SwitchOut(BaseModel):
    id: int
    account_id: int | None
    switch_type: str | None
    threshold_value: float | None
    threshold_type: str | None
    is_active: bool
    is_triggered: bool
    triggered_at: datetime | None
    triggered_value: float | None
    trigger_reason: str | None
    actions: dict[str, Any]


class KillIn(BaseModel):
    account_id: int | None = Field(None, description="None = the whole portfolio (admins only)")
    reason: str = Field(..., min_length=3, max_length=500)
    flatten: bool = False


def _fields(model: type[BaseModel], view: object) -> dict[str, Any]:
    return {name: getattr(view, name) for name in model.model_fields}


def _accounts(session: Any, user_id: int, account_id: int | None) -> list[int]:
    visible = access.visible_account_ids(session, user_id)
    if account_id is None:
        return sorted(visible)
    if account_id not in visible:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"account {account_id} not found")
    return [account_id]


@router.get("/positions", response_model=list[PositionOut])
def positions(session: SessionDep, user: UserDep, account_id: int | None = None,
              include_closed: bool = False) -> list[PositionOut]:
    ids = _accounts(session, user.id, account_id)
    views = positions_repo.list_positions(session, ids, include_closed=include_closed)
    return [PositionOut(**_fields(PositionOut, v)) for v in views]


@router.get("/orders", response_model=list[OrderOut])
def orders(session: SessionDep, user: UserDep, account_id: int | None = None,
           order_status: str | None = Query(None, alias="status"),
           limit: int = Query(100, ge=1, le=1000)) -> list[OrderOut]:
    ids = _accounts(session, user.id, account_id)
    views = orders_repo.list_orders(session, ids, limit=limit, status=order_status)
    return [OrderOut(**_fields(OrderOut, v)) for v in views]


@router.get("/risk", response_model=list[SnapshotOut])
def risk_snapshots(session: SessionDep, user: UserDep, account_id: int | None = None,
                   limit: int = Query(50, ge=1, le=1000)) -> list[SnapshotOut]:
    ids = set(_accounts(session, user.id, account_id))
    views = risk_repo.latest_snapshots(session, limit=limit, account_id=account_id)
    portfolio_ok = user.role == Role.ADMIN.value
    return [SnapshotOut(**_fields(SnapshotOut, v)) for v in views
            if (v.account_id in ids) or (v.account_id is None and portfolio_ok)]


@router.get("/kill-switches", response_model=list[SwitchOut])
def kill_switches(session: SessionDep, user: UserDep) -> list[SwitchOut]:
    ids = access.visible_account_ids(session, user.id)
    rows = risk_repo.switches(session)
    return [SwitchOut(**_fields(SwitchOut, risk_repo.switch_view(r))) for r in rows
            if r.account_id is None or r.account_id in ids]


def _may_act(session: Any, user: Any, account_id: int | None) -> None:
    if account_id is None:
        if user.role != Role.ADMIN.value:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin may kill the portfolio")
        return
    if account_id not in access.visible_account_ids(session, user.id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"account {account_id} not found")
    if account_id not in access.approvable_account_ids(session, user.id):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"you may not act on account {account_id}")


@router.post("/kill-switches", response_model=SwitchOut, status_code=status.HTTP_201_CREATED)
def kill(body: KillIn, container: ContainerDep, session: SessionDep, user: UserDep,
         _: CsrfDep) -> SwitchOut:
    """Manual kill: pause new entries and cancel pending ones (and flatten when asked)."""
    _may_act(session, user, body.account_id)
    with committing(session):
        row = switches.manual_kill(session, container.audit, body.account_id, body.reason,
                                   user.username, clock=container.clock, flatten=body.flatten)
        out = SwitchOut(**_fields(SwitchOut, risk_repo.switch_view(row)))
    return out


@router.post("/kill-switches/{switch_id}/reset", response_model=SwitchOut)
def reset(switch_id: int, container: ContainerDep, session: SessionDep, user: UserDep,
          _: CsrfDep) -> SwitchOut:
    row = session.get(KillSwitchRow, switch_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"kill switch {switch_id} not found")
    _may_act(session, user, row.account_id)
    try:
        with committing(session):
            row = switches.reset(session, container.audit, switch_id, user.username,
                                 now=container.clock.now())
            out = SwitchOut(**_fields(SwitchOut, risk_repo.switch_view(row)))
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    return out
