"""Own the ledger's view of positions: an opened position reserves and deploys its cost, a closed
one unwinds it and books realised P&L and fees. Idempotent by position reference."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import Clock
from core.enums import CapitalTxnType as T
from core.errors import Conflict
from core.money import ZERO, money
from store.audit import AuditLog
from store.models import PositionRow
from store.repos import treasury as repo
from tools.treasury.ledger import Ledger


@dataclass
class FillSync:
    posted: list[repo.TxnView] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def position_cost(row: PositionRow) -> Decimal:
    """Entry cost of a position at its average price (initial quantity when known)."""
    qty = row.initial_quantity or row.quantity
    return money(Decimal(qty) * row.average_entry_price)


class FillLedger:
    """Keeps capital_transactions in step with the positions table (assumes realized_pnl is gross
    of fees and fees_paid holds the charges)."""

    def __init__(self, clock: Clock, audit: AuditLog) -> None:
        self._ledger = Ledger(clock, audit)

    def sync(self, session: Session, account_id: int | None = None) -> FillSync:
        out = FillSync()
        stmt = select(PositionRow).order_by(PositionRow.id)
        if account_id is not None:
            stmt = stmt.where(PositionRow.account_id == account_id)
        for pos in session.scalars(stmt):
            try:
                self._open(session, pos, out)
                if pos.closed_at is not None:
                    self._close(session, pos, out)
            except Conflict as exc:
                out.problems.append(f"position {pos.id} ({pos.symbol}): {exc}")
        return out

    def _post(self, session: Session, pos: PositionRow, kind: T, amount: Decimal, tag: str,
              reason: str, out: FillSync) -> None:
        ref = f"pos:{pos.id}:{tag}"
        if repo.txn_by_reference(session, ref) is None:
            out.posted.append(self._ledger.post(session, pos.account_id, kind, amount,
                                                reason=reason, reference=ref, user="treasury"))

    def _open(self, session: Session, pos: PositionRow, out: FillSync) -> None:
        cost = position_cost(pos)
        if cost <= ZERO:
            return
        note = f"{pos.symbol} position {pos.id} opened"
        self._post(session, pos, T.RESERVE, cost, "reserve", note, out)
        self._post(session, pos, T.DEPLOY, cost, "deploy", note, out)

    def _close(self, session: Session, pos: PositionRow, out: FillSync) -> None:
        note = f"{pos.symbol} position {pos.id} closed ({pos.exit_reason or 'exit'})"
        cost = position_cost(pos)
        if cost > ZERO:
            self._post(session, pos, T.UNWIND, cost, "unwind", note, out)
        pnl = money(pos.realized_pnl or ZERO)
        if pnl != ZERO:
            self._post(session, pos, T.REALIZED_PNL, pnl, "pnl", note, out)
        fees = money(pos.fees_paid or ZERO)
        if fees > ZERO:
            self._post(session, pos, T.FEES, fees, "fees", note, out)
