"""Own the capital_transactions and transfer_proposals tables: inserts, sums and proposal rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import NotFound
from store.models import CapitalTransaction, TransferProposal


@dataclass(frozen=True, slots=True)
class TxnView:
    id: int
    account_id: int
    transaction_type: str
    amount: Decimal
    from_account_id: int | None
    to_account_id: int | None
    reason: str | None
    timestamp: datetime | None
    approved_by: str | None
    reference: str | None


@dataclass(frozen=True, slots=True)
class ProposalView:
    id: int
    kind: str
    from_account_id: int | None
    to_account_id: int | None
    amount: Decimal
    reason: str | None
    trade_card_id: int | None
    signal_id: int | None
    reference: str | None
    status: str
    created_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None
    expires_at: datetime | None


def txn_view(row: CapitalTransaction) -> TxnView:
    return TxnView(row.id, row.account_id, row.transaction_type or "", row.amount,
                   row.from_account_id, row.to_account_id, row.reason, row.timestamp,
                   row.approved_by, row.reference)


def proposal_view(row: TransferProposal) -> ProposalView:
    return ProposalView(row.id, row.kind, row.from_account_id, row.to_account_id, row.amount,
                        row.reason, row.trade_card_id, row.signal_id, row.reference, row.status,
                        row.created_at, row.decided_at, row.decided_by, row.expires_at)


def insert_txn(
    session: Session, *, account_id: int, txn_type: str, amount: Decimal, ts: datetime,
    reason: str | None = None, reference: str | None = None, from_account_id: int | None = None,
    to_account_id: int | None = None, approved_by: str | None = None,
) -> TxnView:
    """Insert one capital transaction row and flush it."""
    row = CapitalTransaction(account_id=account_id, transaction_type=txn_type, amount=amount,
                             timestamp=ts, reason=reason, reference=reference,
                             from_account_id=from_account_id, to_account_id=to_account_id,
                             approved_by=approved_by)
    session.add(row)
    session.flush()
    return txn_view(row)


def txn_by_reference(session: Session, reference: str) -> TxnView | None:
    row = session.scalar(select(CapitalTransaction)
                         .where(CapitalTransaction.reference == reference))
    return None if row is None else txn_view(row)


def sums_by_type(session: Session, account_id: int | None = None) -> dict[tuple[int, str], Decimal]:
    """Sum of amounts per (account, transaction type); all accounts when account_id is None."""
    stmt = select(CapitalTransaction.account_id, CapitalTransaction.transaction_type,
                  func.sum(CapitalTransaction.amount)).group_by(
        CapitalTransaction.account_id, CapitalTransaction.transaction_type)
    if account_id is not None:
        stmt = stmt.where(CapitalTransaction.account_id == account_id)
    return {(acc, kind or ""): Decimal(total or 0) for acc, kind, total in session.execute(stmt)}


def sum_since(
    session: Session, account_id: int, types: Iterable[str], since: datetime | None
) -> Decimal:
    """Sum of amounts of the given types for an account at or after `since` (all time if None)."""
    stmt = select(func.sum(CapitalTransaction.amount)).where(
        CapitalTransaction.account_id == account_id,
        CapitalTransaction.transaction_type.in_(list(types)))
    if since is not None:
        stmt = stmt.where(CapitalTransaction.timestamp >= since)
    return Decimal(session.scalar(stmt) or 0)


def sum_by_reference_prefix(session: Session, prefix: str, txn_type: str) -> Decimal:
    stmt = select(func.sum(CapitalTransaction.amount)).where(
        CapitalTransaction.reference.like(f"{prefix}%"),
        CapitalTransaction.transaction_type == txn_type)
    return Decimal(session.scalar(stmt) or 0)


def last_txn_at(session: Session, account_id: int, txn_type: str) -> datetime | None:
    return session.scalar(select(func.max(CapitalTransaction.timestamp)).where(
        CapitalTransaction.account_id == account_id,
        CapitalTransaction.transaction_type == txn_type))


def list_txns(session: Session, account_id: int | None = None, limit: int = 100) -> list[TxnView]:
    """Newest first."""
    stmt = select(CapitalTransaction).order_by(CapitalTransaction.id.desc()).limit(limit)
    if account_id is not None:
        stmt = stmt.where(CapitalTransaction.account_id == account_id)
    return [txn_view(r) for r in session.scalars(stmt)]


def insert_proposal(
    session: Session, *, kind: str, amount: Decimal, created_at: datetime, expires_at: datetime,
    from_account_id: int | None, to_account_id: int | None, reason: str,
    trade_card_id: int | None = None, signal_id: int | None = None, reference: str | None = None,
    status: str = "PENDING",
) -> ProposalView:
    row = TransferProposal(kind=kind, amount=amount, created_at=created_at, expires_at=expires_at,
                           from_account_id=from_account_id, to_account_id=to_account_id,
                           reason=reason, trade_card_id=trade_card_id, signal_id=signal_id,
                           reference=reference, status=status)
    session.add(row)
    session.flush()
    return proposal_view(row)


def proposal_row(session: Session, proposal_id: int, lock: bool = False) -> TransferProposal:
    row = session.get(TransferProposal, proposal_id, with_for_update=lock)
    if row is None:
        raise NotFound(f"transfer proposal {proposal_id} does not exist")
    return row


def proposal_by_reference(session: Session, reference: str) -> ProposalView | None:
    row = session.scalar(select(TransferProposal).where(TransferProposal.reference == reference))
    return None if row is None else proposal_view(row)


def list_proposals(
    session: Session, status: str | None = None, account_id: int | None = None,
    kind: str | None = None, limit: int = 100,
) -> list[ProposalView]:
    """Newest first; account_id matches either side of the move."""
    stmt = select(TransferProposal).order_by(TransferProposal.id.desc()).limit(limit)
    if status is not None:
        stmt = stmt.where(TransferProposal.status == status)
    if kind is not None:
        stmt = stmt.where(TransferProposal.kind == kind)
    if account_id is not None:
        stmt = stmt.where((TransferProposal.from_account_id == account_id)
                          | (TransferProposal.to_account_id == account_id))
    return [proposal_view(r) for r in session.scalars(stmt)]
