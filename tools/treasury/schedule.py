"""Own the funding calendar: SIP installments credited on their dates, lump sums staged on their
date and released tranche by tranche (immediate ones at once, triggered ones by proposal)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import Clock, to_ist
from core.enums import AccountStatus, FundingType, SipFrequency
from core.enums import CapitalTxnType as T
from core.errors import NotFound, ValidationError
from core.money import ZERO, money
from store.audit import AuditLog
from store.models import BarRow
from store.repos import treasury as repo
from tools.accounts.service import current_funding_plan, list_accounts
from tools.accounts.views import FundingPlanView
from tools.treasury.fills import FillLedger
from tools.treasury.ledger import Ledger
from tools.treasury.transfers import TransferService


@dataclass
class ScheduleRun:
    """What one run of the schedule did."""

    sip_credits: list[repo.TxnView] = field(default_factory=list)
    staged: list[repo.TxnView] = field(default_factory=list)
    released: list[repo.TxnView] = field(default_factory=list)
    proposals: list[repo.ProposalView] = field(default_factory=list)
    returns: list[repo.TxnView] = field(default_factory=list)
    fills: list[repo.TxnView] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    expired: int = 0


def add_months(d: date, months: int) -> date:
    """Same day-of-month `months` later, clamped to the month's last day."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def sip_due_dates(
    start: date, frequency: str, duration_months: int | None, until: date
) -> list[date]:
    """Installment dates from start up to and including `until` (and within the plan's term)."""
    end = add_months(start, duration_months) if duration_months else None
    out: list[date] = []
    k = 0
    while True:
        if frequency == SipFrequency.MONTHLY.value:
            d = add_months(start, k)
        elif frequency == SipFrequency.WEEKLY.value:
            d = start + timedelta(weeks=k)
        else:
            raise ValidationError(f"unknown SIP frequency {frequency!r}", field="sip_frequency")
        if d > until or (end is not None and d >= end):
            return out
        out.append(d)
        k += 1


def tranche_due(trigger: str, lump_date: date, today: date, drawdown_pct: float | None) -> bool:
    """Triggers: immediate | date:YYYY-MM-DD | days:N (after lump date) | dip:X (drawdown ≥ X%)."""
    kind, _, arg = trigger.partition(":")
    try:
        if kind == "immediate":
            return today >= lump_date
        if kind == "date":
            return today >= date.fromisoformat(arg)
        if kind == "days":
            return today >= lump_date + timedelta(days=int(arg))
        if kind == "dip":
            return drawdown_pct is not None and drawdown_pct >= float(arg)
    except ValueError as exc:
        raise ValidationError(f"bad tranche trigger {trigger!r}", field="tranche_plan") from exc
    raise ValidationError(f"unknown tranche trigger {trigger!r}", field="tranche_plan")


def tranche_amounts(total: Decimal, plan: tuple[dict[str, Any], ...]) -> list[Decimal]:
    """Split the lump sum by percent; the last tranche takes the rounding remainder."""
    if not plan:
        return [money(total)]
    amounts = [money(total * Decimal(str(step["percent"])) / 100) for step in plan[:-1]]
    return [*amounts, money(total) - sum(amounts, ZERO)]


def drawdown_pct(closes: list[float]) -> float | None:
    """Percent the last close sits below the highest close of the window (None if empty)."""
    if not closes:
        return None
    peak = max(closes)
    return 0.0 if peak <= 0 else (peak - closes[-1]) / peak * 100.0


INDEX_SYMBOLS = ("NIFTY 50", "NIFTY50", "NIFTY", "^NSEI")
DRAWDOWN_WINDOW_BARS = 60


def market_drawdown(session: Session, now: datetime,
                    window: int = DRAWDOWN_WINDOW_BARS) -> float | None:
    """NIFTY 50's drawdown (%) from its highest daily close of the last `window` bars up to now;
    None when the store has no index bars."""
    for symbol in INDEX_SYMBOLS:
        closes = list(session.scalars(
            select(BarRow.close).where(BarRow.symbol == symbol, BarRow.interval == "1d",
                                       BarRow.ts <= now)
            .order_by(BarRow.ts.desc()).limit(window)))
        if closes:
            return drawdown_pct(list(reversed(closes)))
    return None


class TreasuryScheduler:
    """Runs the funding calendar for every active account; idempotent (references dedupe)."""

    def __init__(self, clock: Clock, audit: AuditLog) -> None:
        self._clock = clock
        self._ledger = Ledger(clock, audit)
        self._transfers = TransferService(clock, audit)
        self._fills = FillLedger(clock, audit)

    def run(self, session: Session, drawdown: float | None = None) -> ScheduleRun:
        """Credit SIPs, stage/release lump sums, follow positions, expire proposals, auto-return.
        The dip trigger uses `drawdown` when given, else NIFTY 50's from stored daily bars."""
        result = ScheduleRun()
        today = to_ist(self._clock.now()).date()
        if drawdown is None:
            drawdown = market_drawdown(session, self._clock.now())
        for acc in list_accounts(session, include_closed=False):
            if acc.status != AccountStatus.ACTIVE.value:
                continue
            try:
                plan = current_funding_plan(session, acc.id)
            except NotFound:
                continue
            self._sip(session, plan, today, result)
            self._lump(session, plan, today, drawdown, result)
        synced = self._fills.sync(session)
        result.fills, result.problems = synced.posted, synced.problems
        result.expired = self._transfers.expire_due(session)
        result.returns = self._transfers.run_auto_returns(session)
        return result

    def _sip(self, session: Session, plan: FundingPlanView, today: date, r: ScheduleRun) -> None:
        if plan.funding_type not in (FundingType.SIP.value, FundingType.HYBRID.value):
            return
        if not plan.sip_amount or plan.sip_start_date is None or plan.sip_frequency is None:
            return
        for d in sip_due_dates(plan.sip_start_date, plan.sip_frequency,
                               plan.sip_duration_months, today):
            ref = f"sip:{plan.account_id}:{plan.id}:{d.isoformat()}"
            if repo.txn_by_reference(session, ref) is None:
                r.sip_credits.append(self._ledger.post(
                    session, plan.account_id, T.SIP_INSTALLMENT, plan.sip_amount,
                    reason=f"SIP installment due {d.isoformat()}", reference=ref, user="treasury"))

    def _lump(self, session: Session, plan: FundingPlanView, today: date,
              drawdown: float | None, r: ScheduleRun) -> None:
        if plan.funding_type not in (FundingType.LUMP_SUM.value, FundingType.HYBRID.value):
            return
        if not plan.lump_sum_amount or plan.lump_sum_date is None or today < plan.lump_sum_date:
            return
        acc, ref = plan.account_id, f"lump:{plan.account_id}:{plan.id}"
        if repo.txn_by_reference(session, ref) is None:
            r.staged.append(self._ledger.post(
                session, acc, T.STAGED_DEPOSIT, plan.lump_sum_amount, reference=ref,
                reason=f"lump sum received {plan.lump_sum_date.isoformat()}", user="treasury"))
        steps = plan.tranche_plan or ({"percent": 100, "trigger": "immediate"},)
        for i, (step, amount) in enumerate(zip(steps, tranche_amounts(plan.lump_sum_amount,
                                                                      plan.tranche_plan),
                                               strict=True)):
            tref = f"tranche:{acc}:{plan.id}:{i}"
            trigger = str(step.get("trigger", "immediate"))
            if repo.txn_by_reference(session, tref) is not None:
                continue
            if not tranche_due(trigger, plan.lump_sum_date, today, drawdown):
                continue
            reason = f"tranche {i + 1} of {len(steps)} ({step['percent']}%, {trigger})"
            if trigger == "immediate":
                r.released.append(self._ledger.post(session, acc, T.TRANCHE_RELEASE, amount,
                                                    reason=reason, reference=tref,
                                                    user="treasury"))
            else:
                p = self._transfers.propose_tranche(session, acc, amount, reason=reason,
                                                    reference=tref)
                if p is not None:
                    r.proposals.append(p)
