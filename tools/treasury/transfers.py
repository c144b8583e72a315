"""Own transfer proposals: inter-account loans and tranche releases that wait for a human, their
decision (approve/reject, once, before expiry) and the auto-return of borrowed cash."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import Clock
from core.enums import AccountStatus, AuditCategory, CardStatus
from core.enums import CapitalTxnType as T
from core.errors import Conflict, NotFound, ValidationError
from core.money import ZERO, money
from store.audit import AuditLog
from store.models import Account, PositionRow, TradeCardRow
from store.repos import treasury as repo
from tools.treasury.deployable import DeployableCash
from tools.treasury.ledger import Ledger, balances

TRANSFER, TRANCHE, AUTO_RETURN = "TRANSFER", "TRANCHE_RELEASE", "AUTO_RETURN"
PENDING, APPROVED, REJECTED, EXPIRED, RETURNED = (
    "PENDING", "APPROVED", "REJECTED", "EXPIRED", "RETURNED")
_DEAD_CARD = {CardStatus.REJECTED.value, CardStatus.EXPIRED.value, CardStatus.BLOCKED.value}


@dataclass(frozen=True, slots=True)
class CashShortfall:
    """A good candidate an account could not afford (from the allocator)."""

    account_id: int
    signal_id: int
    symbol: str
    needed_inr: Decimal
    quality: float


class TransferService:
    """Proposes, decides and auto-returns; every movement goes through the Ledger (audited)."""

    def __init__(self, clock: Clock, audit: AuditLog, ttl_hours: int = 24) -> None:
        self._clock = clock
        self._audit = audit
        self._ledger = Ledger(clock, audit)
        self._ttl = timedelta(hours=ttl_hours)

    def _audit_proposal(self, session: Session, action: str, p: repo.ProposalView,
                        user: str | None = None, **extra: object) -> None:
        self._audit.append(session, action, {"proposal": p, **extra},
                           category=AuditCategory.TREASURY,
                           account_id=p.to_account_id or p.from_account_id, user_id=user)

    def propose_transfer(
        self, session: Session, from_account: int, to_account: int, amount: Decimal, *,
        reason: str, signal_id: int | None = None, trade_card_id: int | None = None,
    ) -> repo.ProposalView:
        """Record a PENDING inter-account move; no money moves until it is approved."""
        if from_account == to_account:
            raise ValidationError("lender and borrower are the same account", field="to_account_id")
        for acc in (from_account, to_account):
            if session.get(Account, acc) is None:
                raise NotFound(f"account {acc} does not exist")
        amt = money(amount)
        if amt <= ZERO:
            raise ValidationError("amount must be positive", field="amount")
        now = self._clock.now()
        p = repo.insert_proposal(session, kind=TRANSFER, amount=amt, created_at=now,
                                 expires_at=now + self._ttl, from_account_id=from_account,
                                 to_account_id=to_account, reason=reason, signal_id=signal_id,
                                 trade_card_id=trade_card_id)
        self._audit_proposal(session, "TRANSFER_PROPOSED", p)
        return p

    def propose_tranche(
        self, session: Session, account_id: int, amount: Decimal, *, reason: str, reference: str,
    ) -> repo.ProposalView | None:
        """Propose releasing staged lump-sum money once per reference; None if already proposed."""
        if repo.proposal_by_reference(session, reference) is not None:
            return None
        now = self._clock.now()
        p = repo.insert_proposal(session, kind=TRANCHE, amount=money(amount), created_at=now,
                                 expires_at=now + self._ttl, from_account_id=None,
                                 to_account_id=account_id, reason=reason, reference=reference)
        self._audit_proposal(session, "TRANCHE_PROPOSED", p)
        return p

    def decide(
        self, session: Session, proposal_id: int, *, approve: bool, user: str,
        reason: str | None = None,
    ) -> repo.ProposalView:
        """Approve (money moves now) or reject a PENDING proposal, once and before it expires."""
        row = repo.proposal_row(session, proposal_id, lock=True)
        if row.status != PENDING:
            raise Conflict(f"proposal {proposal_id} is already {row.status}")
        now = self._clock.now()
        if row.expires_at is not None and now >= row.expires_at:
            row.status, row.decided_at = EXPIRED, now
            session.flush()
            self._audit_proposal(session, "TRANSFER_EXPIRED", repo.proposal_view(row), user)
            raise Conflict(f"proposal {proposal_id} expired at {row.expires_at.isoformat()}")
        if approve:
            self._execute(session, row.id, row.kind, row.from_account_id, row.to_account_id,
                          row.amount, row.reference, user)
        row.status = APPROVED if approve else REJECTED
        row.decided_at, row.decided_by = now, user
        session.flush()
        view = repo.proposal_view(row)
        self._audit_proposal(session, "TRANSFER_APPROVED" if approve else "TRANSFER_REJECTED",
                             view, user, reason=reason)
        return view

    def _execute(self, session: Session, pid: int, kind: str, src: int | None, dst: int | None,
                 amount: Decimal, reference: str | None, user: str) -> None:
        if kind == TRANCHE and dst is not None:
            self._ledger.post(session, dst, T.TRANCHE_RELEASE, amount, user=user,
                              reason=f"tranche release (proposal {pid})",
                              reference=reference or f"prop:{pid}")
        elif kind == TRANSFER and src is not None and dst is not None:
            self._ledger.transfer(session, src, dst, amount, reason=f"loan (proposal {pid})",
                                  reference=f"xfer:{pid}", user=user)
        else:
            raise ValidationError(f"proposal {pid} of kind {kind} cannot be executed", field="kind")

    def expire_due(self, session: Session) -> int:
        """Mark PENDING proposals past their expiry as EXPIRED; return how many."""
        now, count = self._clock.now(), 0
        for p in repo.list_proposals(session, status=PENDING, limit=10_000):
            if p.expires_at is not None and now >= p.expires_at:
                row = repo.proposal_row(session, p.id, lock=True)
                row.status, row.decided_at = EXPIRED, now
                session.flush()
                self._audit_proposal(session, "TRANSFER_EXPIRED", repo.proposal_view(row))
                count += 1
        return count

    def outstanding(self, session: Session, proposal_id: int) -> Decimal:
        """Borrowed amount of an approved loan not yet returned."""
        row = repo.proposal_row(session, proposal_id)
        returned = repo.sum_by_reference_prefix(session, f"ret:{proposal_id}:", T.TRANSFER_OUT)
        return max(ZERO, row.amount - returned)

    def propose_for_shortfalls(
        self, session: Session, shortfalls: Iterable[CashShortfall],
        lendable: Callable[[int], DeployableCash], min_quality: float = 0.6,
    ) -> list[repo.ProposalView]:
        """Propose loans from the account with the most idle cash to good candidates short of it."""
        out: list[repo.ProposalView] = []
        lenders = _active_accounts(session)
        for s in sorted(shortfalls, key=lambda x: -x.quality):
            if s.quality < min_quality or _open_loan_for(session, s):
                continue
            best = max((lendable(a) for a in lenders if a != s.account_id),
                       key=lambda d: d.idle, default=None)
            if best is None or best.idle <= ZERO:
                continue
            amount = min(best.idle, money(s.needed_inr))
            out.append(self.propose_transfer(
                session, best.account_id, s.account_id, amount, signal_id=s.signal_id,
                reason=f"{s.symbol} (signal {s.signal_id}, quality {s.quality:.2f}) needs "
                       f"₹{money(s.needed_inr)}; account {best.account_id} has ₹{best.idle} idle"))
        return out

    def run_auto_returns(self, session: Session) -> list[repo.TxnView]:
        """Return borrowed cash once the funded trade is over (position closed or card dead)."""
        moved: list[repo.TxnView] = []
        for p in repo.list_proposals(session, status=APPROVED, kind=TRANSFER, limit=10_000):
            if p.from_account_id is None or p.to_account_id is None:
                continue
            if not _trade_over(session, p, self._clock):
                continue
            moved.extend(self._return(session, p))
        return moved

    def _return(self, session: Session, p: repo.ProposalView) -> list[repo.TxnView]:
        if p.from_account_id is None or p.to_account_id is None:
            return []
        owed = self.outstanding(session, p.id)
        amount = min(owed, balances(session, p.to_account_id).available)
        if amount <= ZERO:
            return []
        seq = len(repo.list_proposals(session, kind=AUTO_RETURN, limit=10_000)) + 1
        out, inn = self._ledger.transfer(
            session, p.to_account_id, p.from_account_id, amount, user="treasury",
            reason=f"auto-return of loan {p.id}", reference=f"ret:{p.id}:{seq}")
        now = self._clock.now()
        done = amount == owed
        repo.insert_proposal(session, kind=AUTO_RETURN, amount=amount, created_at=now,
                             expires_at=now, from_account_id=p.to_account_id,
                             to_account_id=p.from_account_id, reason=f"auto-return of loan {p.id}",
                             trade_card_id=p.trade_card_id, signal_id=p.signal_id,
                             status="EXECUTED")
        if done:
            row = repo.proposal_row(session, p.id, lock=True)
            row.status = RETURNED
            session.flush()
        self._audit_proposal(session, "TRANSFER_AUTO_RETURNED", p, "treasury", returned=amount,
                             fully_returned=done)
        return [out, inn]


def _active_accounts(session: Session) -> list[int]:
    return list(session.scalars(select(Account.id).where(
        Account.status == AccountStatus.ACTIVE.value).order_by(Account.id)))


def _open_loan_for(session: Session, s: CashShortfall) -> bool:
    for status in (PENDING, APPROVED):
        for p in repo.list_proposals(session, status=status, account_id=s.account_id,
                                     kind=TRANSFER, limit=1000):
            if p.to_account_id == s.account_id and p.signal_id == s.signal_id:
                return True
    return False


def _funded_card(session: Session, p: repo.ProposalView) -> TradeCardRow | None:
    if p.trade_card_id is not None:
        return session.get(TradeCardRow, p.trade_card_id)
    if p.signal_id is None or p.decided_at is None:
        return None
    return session.scalar(select(TradeCardRow).where(
        TradeCardRow.account_id == p.to_account_id, TradeCardRow.signal_id == p.signal_id,
        TradeCardRow.created_at >= p.decided_at).order_by(TradeCardRow.id.desc()).limit(1))


def _trade_over(session: Session, p: repo.ProposalView, clock: Clock,
                grace: timedelta = timedelta(days=1)) -> bool:
    """The loan's trade closed, its card died, or no card used it within the grace period."""
    card = _funded_card(session, p)
    if card is None:
        return p.decided_at is not None and clock.now() - p.decided_at >= grace
    if card.status in _DEAD_CARD or card.status == CardStatus.CLOSED.value:
        return True
    pos = session.scalar(select(PositionRow).where(PositionRow.trade_card_id == card.id)
                         .order_by(PositionRow.id.desc()).limit(1))
    return pos is not None and pos.closed_at is not None
