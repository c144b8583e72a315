"""Own the read side shown by CLI, web and bot: per-account cash, buffer, deployable and idle."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from core.errors import NotFound
from tools.accounts.service import current_funding_plan, list_accounts
from tools.accounts.views import FundingPlanView
from tools.treasury.deployable import DeployableCash, deployable_cash


def account_cash(session: Session, account_id: int) -> DeployableCash:
    """Balances, buffer, deployable and idle cash of one account."""
    plan: FundingPlanView | None
    try:
        plan = current_funding_plan(session, account_id)
    except NotFound:
        plan = None
    return deployable_cash(session, account_id, plan)


def cash_overview(session: Session, account_ids: Iterable[int] | None = None
                  ) -> list[tuple[str, DeployableCash]]:
    """(account name, cash) for the given accounts (all when None), by id."""
    ids = set(account_ids) if account_ids is not None else None
    return [(a.name, account_cash(session, a.id)) for a in list_accounts(session, ids)]
