"""Own the accounts JSON API: create, read, re-mandate, re-fund, pause, resume, close."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, status

from app.web.deps import ContainerDep, CsrfDep, SessionDep, UserDep, committing
from app.web.schemas import (
    AccountDetailOut,
    AccountOut,
    FundingPlanOut,
    MandateOut,
    StatusChange,
)
from core.enums import AccountStatus
from tools.accounts import access, service
from tools.accounts.schemas import AccountSpec, FundingPlanSpec, MandateSpec
from tools.accounts.views import AccountView, FundingPlanView, MandateView

router = APIRouter(prefix="/accounts", tags=["accounts"])


def _account_out(a: AccountView) -> AccountOut:
    return AccountOut(id=a.id, name=a.name, owner=a.user_id, account_type=a.account_type,
                      status=a.status, created_at=a.created_at)


def _mandate_out(m: MandateView) -> MandateOut:
    data = asdict(m)
    data["banned_sectors"] = list(m.banned_sectors)
    data["allowed_strategies"] = list(m.allowed_strategies)
    data["assumption_log"] = list(m.assumption_log)
    return MandateOut.model_validate(data)


def _funding_out(f: FundingPlanView) -> FundingPlanOut:
    data = asdict(f)
    data["tranche_plan"] = list(f.tranche_plan)
    return FundingPlanOut.model_validate(data)


@router.get("", response_model=list[AccountOut])
def list_accounts(session: SessionDep, user: UserDep) -> list[AccountOut]:
    ids = access.visible_account_ids(session, user.id)
    return [_account_out(a) for a in service.list_accounts(session, ids)]


@router.post("", response_model=AccountOut, status_code=status.HTTP_201_CREATED)
def create_account(spec: AccountSpec, container: ContainerDep, session: SessionDep,
                   user: UserDep, _: CsrfDep) -> AccountOut:
    with committing(session):
        acc = service.create_account(session, container.audit, container.clock, spec,
                                     user.username)
        access.grant(session, container.audit, user.id, acc.id, can_approve=True,
                     granted_by=user.username)
    return _account_out(acc)


@router.get("/{account_id}", response_model=AccountDetailOut)
def get_account(account_id: int, session: SessionDep, user: UserDep) -> AccountDetailOut:
    access.require_viewer(session, user.id, account_id)
    acc = _account_out(service.get_account(session, account_id))
    return AccountDetailOut(**acc.model_dump(),
                            mandate=_mandate_out(service.current_mandate(session, account_id)),
                            funding_plan=_funding_out(
                                service.current_funding_plan(session, account_id)))


@router.get("/{account_id}/mandates", response_model=list[MandateOut])
def mandate_history(account_id: int, session: SessionDep, user: UserDep) -> list[MandateOut]:
    access.require_viewer(session, user.id, account_id)
    return [_mandate_out(m) for m in service.mandate_history(session, account_id)]


@router.put("/{account_id}/mandate", response_model=MandateOut)
def update_mandate(account_id: int, spec: MandateSpec, container: ContainerDep,
                   session: SessionDep, user: UserDep, _: CsrfDep) -> MandateOut:
    with committing(session):
        access.require_approver(session, user.id, account_id)
        view = service.update_mandate(session, container.audit, container.clock, account_id,
                                      spec, user.username)
    return _mandate_out(view)


@router.put("/{account_id}/funding-plan", response_model=FundingPlanOut)
def replace_funding(account_id: int, spec: FundingPlanSpec, container: ContainerDep,
                    session: SessionDep, user: UserDep, _: CsrfDep) -> FundingPlanOut:
    with committing(session):
        access.require_approver(session, user.id, account_id)
        view = service.replace_funding_plan(session, container.audit, container.clock,
                                            account_id, spec, user.username)
    return _funding_out(view)


@router.post("/{account_id}/{action}", response_model=AccountOut)
def change_status(account_id: int, action: str, container: ContainerDep, session: SessionDep,
                  user: UserDep, _: CsrfDep,
                  body: Annotated[StatusChange | None, Body()] = None) -> AccountOut:
    target = {"pause": AccountStatus.PAUSED, "resume": AccountStatus.ACTIVE,
              "close": AccountStatus.CLOSED}.get(action)
    if target is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown action {action!r}")
    with committing(session):
        access.require_approver(session, user.id, account_id)
        view = service.set_status(session, container.audit, container.clock, account_id, target,
                                  user.username, reason=body.reason if body else None)
    return _account_out(view)
