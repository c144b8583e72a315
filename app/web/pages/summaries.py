"""Own the per-account figures the home, account and risk pages show (read-only, plain data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from core.clock import to_ist
from core.enums import CardStatus
from store.repos import risk as risk_repo
from store.repos.risk import SwitchView, switch_view
from tools.accounts.views import AccountView
from tools.cards.service import list_cards
from tools.reports.eod import EodReport, build_eod
from tools.treasury.ledger import Balances, balances


@dataclass(frozen=True, slots=True)
class AccountSummary:
    account: AccountView
    balances: Balances
    today: EodReport
    pending_cards: int
    active_switches: tuple[SwitchView, ...]

    @property
    def capital_inr(self) -> Decimal:
        return self.balances.total

    @property
    def today_pnl_inr(self) -> Decimal:
        """Realised today net of fees plus the unrealised P&L of what is open now."""
        return self.today.realised_net_inr + self.today.unrealised_inr


def summarise(
    session: Session, account: AccountView, now: datetime, simulated: bool
) -> AccountSummary:
    """Everything the home page shows for one account, as of `now`."""
    day = to_ist(now).date()
    pending = list_cards(session, [account.id], status=CardStatus.PENDING.value)
    switches = tuple(switch_view(r) for r in risk_repo.triggered_for(session, account.id))
    return AccountSummary(
        account=account,
        balances=balances(session, account.id),
        today=build_eod(session, account.id, day, simulated=simulated),
        pending_cards=len(pending),
        active_switches=switches,
    )
