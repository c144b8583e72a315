"""Own reads and writes of kill switches, risk snapshots and the equity they are measured on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from store.models import (
    Account,
    CapitalTransaction,
    FundingPlan,
    KillSwitchRow,
    Mandate,
    PositionRow,
    RiskSnapshotRow,
)

_INFLOW = ("DEPOSIT", "TRANSFER_IN", "SIP_INSTALLMENT")
_OUTFLOW = ("WITHDRAWAL", "TRANSFER_OUT")


@dataclass(frozen=True, slots=True)
class SwitchView:
    id: int
    account_id: int | None
    switch_type: str | None
    threshold_value: float | None
    threshold_type: str | None
    is_active: bool
    is_triggered: bool
    triggered_at: datetime | None
    triggered_value: float | None
    trigger_reason: str | None
    actions: dict[str, Any]
    auto_reset_minutes: int | None


@dataclass(frozen=True, slots=True)
class SnapshotView:
    id: int
    account_id: int | None
    total_open_risk: float | None
    total_unrealized_pnl: float | None
    open_positions_count: int | None
    daily_new_risk: float | None
    daily_realized_pnl: float | None
    daily_max_drawdown: float | None
    portfolio_volatility: float | None
    volatility_target: float | None
    equity: float | None
    sector_exposures: dict[str, Any]
    kill_switches_active: list[Any]
    timestamp: datetime | None


def switch_view(row: KillSwitchRow) -> SwitchView:
    return SwitchView(
        id=row.id, account_id=row.account_id, switch_type=row.switch_type,
        threshold_value=row.threshold_value, threshold_type=row.threshold_type,
        is_active=row.is_active, is_triggered=row.is_triggered, triggered_at=row.triggered_at,
        triggered_value=row.triggered_value, trigger_reason=row.trigger_reason,
        actions=dict(row.action_on_trigger or {}), auto_reset_minutes=row.auto_reset_minutes,
    )


def snapshot_view(row: RiskSnapshotRow) -> SnapshotView:
    return SnapshotView(
        id=row.id, account_id=row.account_id, total_open_risk=row.total_open_risk,
        total_unrealized_pnl=row.total_unrealized_pnl,
        open_positions_count=row.open_positions_count, daily_new_risk=row.daily_new_risk,
        daily_realized_pnl=row.daily_realized_pnl, daily_max_drawdown=row.daily_max_drawdown,
        portfolio_volatility=row.portfolio_volatility, volatility_target=row.volatility_target,
        equity=row.equity, sector_exposures=dict(row.sector_exposures or {}),
        kill_switches_active=list(row.kill_switches_active or []), timestamp=row.timestamp,
    )


def switches(session: Session, *, active_only: bool = True) -> list[KillSwitchRow]:
    stmt = select(KillSwitchRow)
    if active_only:
        stmt = stmt.where(KillSwitchRow.is_active.is_(True))
    return list(session.scalars(stmt.order_by(KillSwitchRow.id)))


def triggered_for(session: Session, account_id: int | None) -> list[KillSwitchRow]:
    """Triggered, active switches that bind this account (its own and portfolio-wide ones)."""
    scope: ColumnElement[bool] = KillSwitchRow.account_id.is_(None)
    if account_id is not None:
        scope = or_(scope, KillSwitchRow.account_id == account_id)
    return list(session.scalars(select(KillSwitchRow).where(
        KillSwitchRow.is_active.is_(True), KillSwitchRow.is_triggered.is_(True), scope)))


def switch_for(session: Session, account_id: int | None, switch_type: str) -> KillSwitchRow | None:
    cond = (KillSwitchRow.account_id.is_(None) if account_id is None
            else KillSwitchRow.account_id == account_id)
    return session.scalar(select(KillSwitchRow).where(
        cond, KillSwitchRow.switch_type == switch_type, KillSwitchRow.is_active.is_(True))
        .order_by(KillSwitchRow.id).limit(1))


def add_switch(session: Session, **fields: Any) -> KillSwitchRow:
    row = KillSwitchRow(**fields)
    session.add(row)
    session.flush()
    return row


def add_snapshots(session: Session, rows: Sequence[dict[str, Any]]) -> list[RiskSnapshotRow]:
    objs = [RiskSnapshotRow(**r) for r in rows]
    session.add_all(objs)
    session.flush()
    return objs


def latest_snapshots(session: Session, limit: int = 50,
                     account_id: int | None = None) -> list[SnapshotView]:
    stmt = select(RiskSnapshotRow)
    if account_id is not None:
        stmt = stmt.where(RiskSnapshotRow.account_id == account_id)
    rows = session.scalars(stmt.order_by(RiskSnapshotRow.id.desc()).limit(limit))
    return [snapshot_view(r) for r in rows]


def account_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Account.id).where(
        or_(Account.status.is_(None), Account.status != "CLOSED")).order_by(Account.id)))


def active_mandate(session: Session, account_id: int) -> Mandate | None:
    return session.scalar(select(Mandate).where(
        Mandate.account_id == account_id, Mandate.is_active.is_(True))
        .order_by(Mandate.version.desc()).limit(1))


def contributed_capital(session: Session, account_id: int) -> Decimal:
    """Money put into the account (deposits, SIP, transfers in) less money taken out.

    Falls back to the funding plan's lump sum (or first SIP) when no movement was recorded yet.
    """
    signed = func.sum(CapitalTransaction.amount)
    inflow = session.scalar(select(signed).where(
        CapitalTransaction.account_id == account_id,
        CapitalTransaction.transaction_type.in_(_INFLOW))) or 0
    outflow = session.scalar(select(signed).where(
        CapitalTransaction.account_id == account_id,
        CapitalTransaction.transaction_type.in_(_OUTFLOW))) or 0
    total = Decimal(str(inflow)) - Decimal(str(outflow))
    if total > 0:
        return total
    plan = session.scalar(select(FundingPlan).where(
        FundingPlan.account_id == account_id, FundingPlan.is_active.is_(True)).limit(1))
    if plan is None:
        return Decimal("0")
    return Decimal(plan.lump_sum_amount or plan.sip_amount or 0)


def realized_total(session: Session, account_id: int) -> Decimal:
    value = session.scalar(select(func.coalesce(func.sum(PositionRow.realized_pnl), 0)).where(
        PositionRow.account_id == account_id))
    return Decimal(str(value or 0))


def equities(session: Session) -> dict[int, Decimal]:
    """Equity of every open account in three grouped queries (the monitor's hot path)."""
    ids = account_ids(session)
    flows: dict[int, Decimal] = dict.fromkeys(ids, Decimal(0))
    for acc, kind, amount in session.execute(
            select(CapitalTransaction.account_id, CapitalTransaction.transaction_type,
                   func.sum(CapitalTransaction.amount))
            .where(CapitalTransaction.transaction_type.in_(_INFLOW + _OUTFLOW))
            .group_by(CapitalTransaction.account_id, CapitalTransaction.transaction_type)):
        if acc in flows:
            sign = 1 if kind in _INFLOW else -1
            flows[acc] += sign * Decimal(str(amount or 0))
    for acc in ids:
        if flows[acc] <= 0:
            flows[acc] = contributed_capital(session, acc)  # funding-plan fallback
    for acc, pnl in session.execute(
            select(PositionRow.account_id, func.sum(PositionRow.realized_pnl))
            .group_by(PositionRow.account_id)):
        if acc in flows:
            flows[acc] += Decimal(str(pnl or 0))
    return flows


def account_equity(session: Session, account_id: int) -> Decimal:
    """Contributed capital plus realised P&L of the desk's positions (net of fees)."""
    return contributed_capital(session, account_id) + realized_total(session, account_id)
