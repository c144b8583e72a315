"""Own deployable cash: what an account may commit now under its funding plan and buffer rules.

- The emergency buffer (emergency_buffer_percent of equity) is never deployable.
- SIP accounts: per installment period, at most the installment plus a carry-forward allowance
  (max_carry_forward_percent of the installment, when carry-forward is enabled) may be deployed;
  cash above that stays idle (and may be lent to another account through a transfer proposal).
- Lump-sum and hybrid accounts: released tranches are available; staged money is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from sqlalchemy.orm import Session

from core.enums import CapitalTxnType, FundingType
from core.money import ZERO, money
from store.repos import treasury as repo
from tools.treasury.ledger import Balances, balances

_PCT = Decimal("100")


class PlanLike(Protocol):
    """The funding-plan fields this module reads (tools.accounts.views.FundingPlanView has them)."""

    @property
    def funding_type(self) -> str | None: ...
    @property
    def sip_amount(self) -> Decimal | None: ...
    @property
    def carry_forward_enabled(self) -> bool | None: ...
    @property
    def max_carry_forward_percent(self) -> float | None: ...
    @property
    def emergency_buffer_percent(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class DeployableCash:
    account_id: int
    amount: Decimal  # what the allocator may commit now
    free_cash: Decimal  # available minus the emergency buffer
    buffer: Decimal
    period_cap: Decimal | None  # SIP only: installment + carry-forward allowance
    spent_in_period: Decimal
    balances: Balances

    @property
    def idle(self) -> Decimal:
        """Free cash the account cannot deploy this period (what it could lend)."""
        return max(ZERO, self.free_cash - self.amount)


def _pct(value: float | None) -> Decimal:
    return Decimal(str(value or 0)) / _PCT


def buffer_for(bal: Balances, plan: PlanLike | None) -> Decimal:
    """Emergency buffer in rupees: a percent of equity (available + reserved + deployed)."""
    if plan is None:
        return ZERO
    return money(bal.equity * _pct(plan.emergency_buffer_percent))


def sip_period_cap(plan: PlanLike) -> Decimal | None:
    """Installment plus the carry-forward allowance; None when the plan has no SIP leg."""
    if plan.funding_type != FundingType.SIP.value or not plan.sip_amount:
        return None
    allowance = plan.sip_amount * _pct(plan.max_carry_forward_percent)
    return money(plan.sip_amount + (allowance if plan.carry_forward_enabled else ZERO))


def compute_deployable(
    account_id: int, bal: Balances, plan: PlanLike | None, spent_in_period: Decimal
) -> DeployableCash:
    """Pure rule: min(free cash, SIP period cap − spent this period), never negative."""
    buffer = buffer_for(bal, plan)
    free = max(ZERO, bal.available - buffer)
    cap = sip_period_cap(plan) if plan is not None else None
    amount = free if cap is None else min(free, max(ZERO, cap - spent_in_period))
    return DeployableCash(account_id, money(amount), money(free), buffer, cap,
                          spent_in_period, bal)


def deployable_cash(session: Session, account_id: int, plan: PlanLike | None) -> DeployableCash:
    """Deployable cash of an account now, read from its ledger."""
    bal = balances(session, account_id)
    since = repo.last_txn_at(session, account_id, CapitalTxnType.SIP_INSTALLMENT.value)
    spent = ZERO
    if since is not None:
        reserved = repo.sum_since(session, account_id, [CapitalTxnType.RESERVE.value], since)
        released = repo.sum_since(session, account_id, [CapitalTxnType.RELEASE.value], since)
        spent = max(ZERO, reserved - released)
    return compute_deployable(account_id, bal, plan, spent)
