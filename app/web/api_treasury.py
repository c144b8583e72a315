"""Own the treasury JSON API: balances, capital transactions, transfer proposals and decisions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from app.web.deps import ContainerDep, CsrfDep, SessionDep, UserDep, committing
from core.errors import Conflict, NotFound
from store.repos import treasury as repo
from tools.accounts import access
from tools.treasury.overview import cash_overview
from tools.treasury.transfers import TransferService

router = APIRouter(prefix="/treasury", tags=["treasury"])


class BalanceOut(BaseModel):
    account_id: int
    account: str
    staged: Decimal
    available: Decimal
    reserved: Decimal
    deployed: Decimal
    buffer: Decimal
    deployable: Decimal
    idle: Decimal
    sip_period_cap: Decimal | None


class TransactionOut(BaseModel):
    id: int
    account_id: int
    type: str
    amount: Decimal
    from_account_id: int | None
    to_account_id: int | None
    reason: str | None
    timestamp: datetime | None
    approved_by: str | None


class ProposalOut(BaseModel):
    id: int
    kind: str
    from_account_id: int | None
    to_account_id: int | None
    amount: Decimal
    reason: str | None
    status: str
    created_at: datetime | None
    expires_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None


class DecisionIn(BaseModel):
    action: Literal["approve", "reject"]
    reason: str | None = Field(None, max_length=500)


def _proposal_out(p: repo.ProposalView) -> ProposalOut:
    return ProposalOut(id=p.id, kind=p.kind, from_account_id=p.from_account_id,
                       to_account_id=p.to_account_id, amount=p.amount, reason=p.reason,
                       status=p.status, created_at=p.created_at, expires_at=p.expires_at,
                       decided_at=p.decided_at, decided_by=p.decided_by)


def _touches(p: repo.ProposalView, ids: set[int]) -> bool:
    return bool({p.from_account_id, p.to_account_id} & ids)


@router.get("/balances", response_model=list[BalanceOut])
def balances(session: SessionDep, user: UserDep) -> list[BalanceOut]:
    ids = access.visible_account_ids(session, user.id)
    return [BalanceOut(account_id=c.account_id, account=name, staged=c.balances.staged,
                       available=c.balances.available, reserved=c.balances.reserved,
                       deployed=c.balances.deployed, buffer=c.buffer, deployable=c.amount,
                       idle=c.idle, sip_period_cap=c.period_cap)
            for name, c in cash_overview(session, ids)]


@router.get("/transactions", response_model=list[TransactionOut])
def transactions(session: SessionDep, user: UserDep, account_id: int | None = None,
                 limit: int = Query(100, ge=1, le=1000)) -> list[TransactionOut]:
    ids = access.visible_account_ids(session, user.id)
    if account_id is not None and account_id not in ids:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"account {account_id} not found")
    rows = repo.list_txns(session, account_id, limit=limit * (1 if account_id else 4))
    return [TransactionOut(id=t.id, account_id=t.account_id, type=t.transaction_type,
                           amount=t.amount, from_account_id=t.from_account_id,
                           to_account_id=t.to_account_id, reason=t.reason,
                           timestamp=t.timestamp, approved_by=t.approved_by)
            for t in rows if t.account_id in ids][:limit]


@router.get("/proposals", response_model=list[ProposalOut])
def proposals(session: SessionDep, user: UserDep,
              status_filter: str | None = Query("PENDING", alias="status")) -> list[ProposalOut]:
    ids = access.visible_account_ids(session, user.id)
    wanted = None if status_filter in (None, "", "all") else status_filter.upper()
    return [_proposal_out(p) for p in repo.list_proposals(session, status=wanted, limit=500)
            if _touches(p, ids)]


@router.post("/proposals/{proposal_id}/decide", response_model=ProposalOut)
def decide(proposal_id: int, body: DecisionIn, container: ContainerDep, session: SessionDep,
           user: UserDep, _: CsrfDep) -> ProposalOut:
    """Approve or reject; the user must be allowed to approve for every account the money
    touches (the lender and the borrower)."""
    try:
        row = repo.proposal_view(repo.proposal_row(session, proposal_id))
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    visible = access.visible_account_ids(session, user.id)
    if not _touches(row, visible):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"proposal {proposal_id} not found")
    allowed = access.approvable_account_ids(session, user.id)
    needed = {a for a in (row.from_account_id, row.to_account_id) if a is not None}
    if not needed <= allowed:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            "you may not approve for every account this transfer touches")
    svc = TransferService(container.clock, container.audit)
    try:
        with committing(session):
            out = svc.decide(session, proposal_id, approve=body.action == "approve",
                             user=user.username, reason=body.reason)
    except Conflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    return _proposal_out(out)
