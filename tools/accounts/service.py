"""Own the account lifecycle: open, read, re-mandate (new version), re-fund, pause, resume, close.
Every change is validated first and audited in the same transaction; a bad input writes nothing."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.canonical import to_jsonable
from core.clock import Clock
from core.enums import AccountStatus, AuditCategory
from core.errors import Conflict, NotFound
from store.audit import AuditLog
from store.models import Account, FundingPlan, Mandate
from tools.accounts.schemas import AccountSpec, FundingPlanSpec, MandateSpec
from tools.accounts.views import (
    AccountView,
    FundingPlanView,
    MandateView,
    account_view,
    funding_view,
    mandate_view,
)

_ALLOWED_STATUS_MOVES = {
    AccountStatus.ACTIVE: {AccountStatus.PAUSED, AccountStatus.CLOSED},
    AccountStatus.PAUSED: {AccountStatus.ACTIVE, AccountStatus.CLOSED},
    AccountStatus.CLOSED: set(),
}


def _mandate_row(account_id: int, version: int, spec: MandateSpec, clock: Clock) -> Mandate:
    data = spec.model_dump(mode="python")
    data["banned_sectors"] = list(spec.banned_sectors)
    data["allowed_strategies"] = [s.value for s in spec.allowed_strategies]
    data["objective"] = spec.objective.value
    data["assumption_log"] = to_jsonable(list(spec.assumption_log))
    now = clock.now()
    return Mandate(account_id=account_id, version=version, is_active=True, created_at=now,
                   updated_at=now, **data)


def _funding_row(account_id: int, spec: FundingPlanSpec, clock: Clock) -> FundingPlan:
    data = spec.model_dump(mode="python")
    data["funding_type"] = spec.funding_type.value
    data["sip_frequency"] = spec.sip_frequency.value if spec.sip_frequency else None
    data["tranche_plan"] = to_jsonable([t.model_dump() for t in spec.tranche_plan])
    now = clock.now()
    return FundingPlan(account_id=account_id, is_active=True, created_at=now, updated_at=now,
                       **data)


def create_account(
    session: Session, audit: AuditLog, clock: Clock, spec: AccountSpec, user: str
) -> AccountView:
    """Open an account with mandate v1 and its funding plan, atomically and audited."""
    exists = session.scalar(select(Account.id).where(Account.user_id == spec.owner,
                                                     Account.name == spec.name))
    if exists is not None:
        raise Conflict(f"account {spec.name!r} already exists for {spec.owner}")
    now = clock.now()
    acc = Account(user_id=spec.owner, name=spec.name, account_type=spec.account_type.value,
                  status=AccountStatus.ACTIVE.value, created_at=now, updated_at=now)
    session.add(acc)
    session.flush()
    session.add(_mandate_row(acc.id, 1, spec.mandate, clock))
    session.add(_funding_row(acc.id, spec.funding, clock))
    session.flush()
    audit.append(session, "ACCOUNT_CREATED", spec.model_dump(mode="json"),
                 category=AuditCategory.ACCOUNT, account_id=acc.id, user_id=user)
    return account_view(acc)


def _account_row(session: Session, account_id: int) -> Account:
    row = session.get(Account, account_id)
    if row is None:
        raise NotFound(f"account {account_id} does not exist")
    return row


def get_account(session: Session, account_id: int) -> AccountView:
    return account_view(_account_row(session, account_id))


def list_accounts(
    session: Session, ids: set[int] | None = None, include_closed: bool = True
) -> list[AccountView]:
    stmt = select(Account).order_by(Account.id)
    if ids is not None:
        stmt = stmt.where(Account.id.in_(ids))
    if not include_closed:
        stmt = stmt.where(Account.status != AccountStatus.CLOSED.value)
    return [account_view(r) for r in session.scalars(stmt)]


def current_mandate(session: Session, account_id: int) -> MandateView:
    row = session.scalar(select(Mandate).where(Mandate.account_id == account_id,
                                               Mandate.is_active.is_(True))
                         .order_by(Mandate.version.desc()).limit(1))
    if row is None:
        raise NotFound(f"account {account_id} has no active mandate")
    return mandate_view(row)


def mandate_history(session: Session, account_id: int) -> list[MandateView]:
    rows = session.scalars(select(Mandate).where(Mandate.account_id == account_id)
                           .order_by(Mandate.version))
    return [mandate_view(r) for r in rows]


def update_mandate(
    session: Session, audit: AuditLog, clock: Clock, account_id: int, spec: MandateSpec, user: str
) -> MandateView:
    """Write a new mandate version and deactivate the old one (which stays for the record)."""
    acc = _account_row(session, account_id)
    if acc.status == AccountStatus.CLOSED.value:
        raise Conflict(f"account {account_id} is closed")
    latest = session.scalar(select(Mandate.version).where(Mandate.account_id == account_id)
                            .order_by(Mandate.version.desc()).limit(1)) or 0
    session.execute(update(Mandate).where(Mandate.account_id == account_id)
                    .values(is_active=False, updated_at=clock.now()))
    row = _mandate_row(account_id, latest + 1, spec, clock)
    session.add(row)
    acc.updated_at = clock.now()
    session.flush()
    audit.append(session, "MANDATE_VERSIONED",
                 {"version": row.version, "mandate": spec.model_dump(mode="json")},
                 category=AuditCategory.ACCOUNT, account_id=account_id, user_id=user)
    return mandate_view(row)


def current_funding_plan(session: Session, account_id: int) -> FundingPlanView:
    row = session.scalar(select(FundingPlan).where(FundingPlan.account_id == account_id,
                                                   FundingPlan.is_active.is_(True))
                         .order_by(FundingPlan.id.desc()).limit(1))
    if row is None:
        raise NotFound(f"account {account_id} has no funding plan")
    return funding_view(row)


def replace_funding_plan(
    session: Session, audit: AuditLog, clock: Clock, account_id: int, spec: FundingPlanSpec,
    user: str,
) -> FundingPlanView:
    """Replace the active funding plan (the old one stays, inactive)."""
    _account_row(session, account_id)
    session.execute(update(FundingPlan).where(FundingPlan.account_id == account_id)
                    .values(is_active=False, updated_at=clock.now()))
    row = _funding_row(account_id, spec, clock)
    session.add(row)
    session.flush()
    audit.append(session, "FUNDING_PLAN_REPLACED", spec.model_dump(mode="json"),
                 category=AuditCategory.ACCOUNT, account_id=account_id, user_id=user)
    return funding_view(row)


def set_status(
    session: Session, audit: AuditLog, clock: Clock, account_id: int, status: AccountStatus,
    user: str, reason: str | None = None,
) -> AccountView:
    """Pause, resume or close an account; closing is final."""
    acc = _account_row(session, account_id)
    current = AccountStatus(acc.status or AccountStatus.ACTIVE)
    if status == current:
        return account_view(acc)
    if status not in _ALLOWED_STATUS_MOVES[current]:
        raise Conflict(f"account {account_id} cannot go from {current} to {status}")
    acc.status, acc.updated_at = status.value, clock.now()
    session.flush()
    audit.append(session, "ACCOUNT_STATUS", {"from": current.value, "to": status.value,
                                             "reason": reason},
                 category=AuditCategory.ACCOUNT, account_id=account_id, user_id=user)
    return account_view(acc)
