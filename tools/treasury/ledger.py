"""Own account balances: every movement is a capital_transactions row; balances are their sums.

Buckets per account: staged (lump sum not yet released), available, reserved, deployed (open
positions at cost). Each transaction type moves money between buckets or across the desk boundary
(EFFECTS); internal moves sum to zero, so no sequence of operations creates or destroys money.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.clock import Clock
from core.enums import AuditCategory
from core.enums import CapitalTxnType as T
from core.errors import Conflict, ValidationError
from core.money import ZERO, money
from store.audit import AuditLog
from store.repos import treasury as repo

BUCKETS = ("staged", "available", "reserved", "deployed")
EFFECTS: dict[T, dict[str, int]] = {
    T.DEPOSIT: {"available": 1},
    T.WITHDRAWAL: {"available": -1},
    T.SIP_INSTALLMENT: {"available": 1},
    T.STAGED_DEPOSIT: {"staged": 1},
    T.TRANCHE_RELEASE: {"staged": -1, "available": 1},
    T.RESERVE: {"available": -1, "reserved": 1},
    T.RELEASE: {"reserved": -1, "available": 1},
    T.DEPLOY: {"reserved": -1, "deployed": 1},
    T.UNWIND: {"deployed": -1, "available": 1},
    T.REALIZED_PNL: {"available": 1},
    T.FEES: {"available": -1},
    T.TRANSFER_OUT: {"available": -1},
    T.TRANSFER_IN: {"available": 1},
}
# Flows across the desk boundary (money entering or leaving the desk as a whole).
EXTERNAL = {T.DEPOSIT: 1, T.WITHDRAWAL: -1, T.SIP_INSTALLMENT: 1, T.STAGED_DEPOSIT: 1,
            T.REALIZED_PNL: 1, T.FEES: -1}
_SIGNED = {T.REALIZED_PNL}  # a loss is a negative realised P&L


@dataclass(frozen=True, slots=True)
class Balances:
    """One account's money by bucket, in rupees."""

    account_id: int
    staged: Decimal = ZERO
    available: Decimal = ZERO
    reserved: Decimal = ZERO
    deployed: Decimal = ZERO

    @property
    def equity(self) -> Decimal:
        """Capital at work or ready for work: available + reserved + deployed (cost)."""
        return self.available + self.reserved + self.deployed

    @property
    def total(self) -> Decimal:
        return self.staged + self.equity

    def get(self, bucket: str) -> Decimal:
        value: Decimal = getattr(self, bucket)
        return value


def _fold(account_id: int, sums: dict[str, Decimal]) -> Balances:
    buckets: dict[str, Decimal] = dict.fromkeys(BUCKETS, ZERO)
    for kind, amount in sums.items():
        for bucket, sign in EFFECTS.get(T(kind), {}).items():
            buckets[bucket] += sign * amount
    return Balances(account_id, **{k: money(v) for k, v in buckets.items()})


def balances(session: Session, account_id: int) -> Balances:
    """Balances of one account, summed from its capital transactions."""
    sums = {kind: amt for (_, kind), amt in repo.sums_by_type(session, account_id).items()}
    return _fold(account_id, sums)


def all_balances(session: Session) -> dict[int, Balances]:
    """Balances of every account that has at least one capital transaction."""
    per: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for (acc, kind), amt in repo.sums_by_type(session).items():
        per[acc][kind] = amt
    return {acc: _fold(acc, sums) for acc, sums in sorted(per.items())}


def external_net(session: Session) -> Decimal:
    """Net money that entered the desk from outside; equals the sum of every account's total."""
    return sum((sign * amt for (_, kind), amt in repo.sums_by_type(session).items()
                for k, sign in EXTERNAL.items() if k == kind), ZERO)


_PG_LEDGER_LOCK = 7_710_000


def lock_accounts(session: Session, account_ids: list[int] | tuple[int, int]) -> None:
    """Serialise postings per account on Postgres (transaction-scoped advisory locks, taken in id
    order so two opposite transfers cannot deadlock). SQLite's single writer needs none."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for acc in sorted(set(account_ids)):
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LEDGER_LOCK + acc})


class Ledger:
    """Posts movements with validation (no bucket below zero), idempotency and an audit entry."""

    def __init__(self, clock: Clock, audit: AuditLog) -> None:
        self._clock = clock
        self._audit = audit

    def post(
        self, session: Session, account_id: int, kind: T, amount: Decimal, *, reason: str,
        reference: str | None = None, user: str | None = None,
        counterparty: tuple[int | None, int | None] = (None, None),
    ) -> repo.TxnView:
        """Post one movement; a repeated reference returns the first posting and moves nothing."""
        if reference is not None:
            existing = repo.txn_by_reference(session, reference)
            if existing is not None:
                return existing
        amount = self._checked_amount(kind, amount)
        lock_accounts(session, [account_id])
        self._check_cover(session, account_id, kind, amount)
        txn = repo.insert_txn(session, account_id=account_id, txn_type=kind.value, amount=amount,
                              ts=self._clock.now(), reason=reason, reference=reference,
                              from_account_id=counterparty[0], to_account_id=counterparty[1],
                              approved_by=user)
        self._audit.append(session, f"CAPITAL_{kind.value}",
                           {"txn_id": txn.id, "amount": amount, "reason": reason,
                            "reference": reference, "counterparty": list(counterparty)},
                           category=AuditCategory.TREASURY, account_id=account_id, user_id=user)
        return txn

    @staticmethod
    def _checked_amount(kind: T, amount: Decimal) -> Decimal:
        if not isinstance(amount, Decimal):
            raise ValidationError("amount must be a Decimal", field="amount")
        if not amount.is_finite():
            raise ValidationError("amount must be finite", field="amount")
        value = money(amount)
        if kind in _SIGNED:
            if value == ZERO:
                raise ValidationError("amount must not be zero", field="amount")
        elif value <= ZERO:
            raise ValidationError(f"{kind.value} amount must be positive", field="amount")
        return value

    @staticmethod
    def _check_cover(session: Session, account_id: int, kind: T, amount: Decimal) -> None:
        debits = [b for b, sign in EFFECTS[kind].items() if sign * amount < 0]
        if not debits:
            return
        bal = balances(session, account_id)
        for bucket in debits:
            if bal.get(bucket) < abs(amount):
                raise Conflict(f"account {account_id}: {kind.value} of ₹{abs(amount)} exceeds "
                               f"its {bucket} balance of ₹{bal.get(bucket)}")

    def transfer(
        self, session: Session, from_account: int, to_account: int, amount: Decimal, *,
        reason: str, reference: str, user: str | None = None,
    ) -> tuple[repo.TxnView, repo.TxnView]:
        """Move available cash between accounts as a TRANSFER_OUT/TRANSFER_IN pair."""
        if from_account == to_account:
            raise ValidationError("cannot transfer to the same account", field="to_account_id")
        pair = (from_account, to_account)
        lock_accounts(session, pair)
        out = self.post(session, from_account, T.TRANSFER_OUT, amount, reason=reason,
                        reference=f"{reference}:out", user=user, counterparty=pair)
        inn = self.post(session, to_account, T.TRANSFER_IN, amount, reason=reason,
                        reference=f"{reference}:in", user=user, counterparty=pair)
        return out, inn
