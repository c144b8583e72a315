"""Own the read-only views of accounts, mandates and funding plans that repositories hand out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from store.models import Account, FundingPlan, Mandate


@dataclass(frozen=True, slots=True)
class AccountView:
    id: int
    user_id: str
    name: str
    account_type: str | None
    status: str | None
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class MandateView:
    id: int
    account_id: int
    version: int
    objective: str | None
    risk_per_trade_percent: float | None
    max_positions: int | None
    max_sector_exposure_percent: float | None
    horizon_min_days: int | None
    horizon_max_days: int | None
    banned_sectors: tuple[str, ...]
    earnings_blackout_days: int | None
    liquidity_floor_adv: Decimal | None
    min_market_cap: Decimal | None
    allowed_strategies: tuple[str, ...]
    sl_multiplier: float | None
    tp_multiplier: float | None
    trailing_stop_enabled: bool | None
    max_daily_loss_percent: float | None
    max_drawdown_percent: float | None
    approval_mode: str | None
    assumption_log: tuple[Any, ...]
    summary: str | None
    is_active: bool
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class FundingPlanView:
    id: int
    account_id: int
    funding_type: str | None
    sip_amount: Decimal | None
    sip_frequency: str | None
    sip_start_date: date | None
    sip_duration_months: int | None
    lump_sum_amount: Decimal | None
    lump_sum_date: date | None
    tranche_plan: tuple[dict[str, Any], ...]
    carry_forward_enabled: bool | None
    max_carry_forward_percent: float | None
    emergency_buffer_percent: float | None
    total_deployed: Decimal | None
    available_cash: Decimal | None
    reserved_cash: Decimal | None


def account_view(row: Account) -> AccountView:
    return AccountView(row.id, row.user_id, row.name, row.account_type, row.status,
                       row.created_at, row.updated_at)


def mandate_view(row: Mandate) -> MandateView:
    return MandateView(
        id=row.id, account_id=row.account_id, version=row.version, objective=row.objective,
        risk_per_trade_percent=row.risk_per_trade_percent, max_positions=row.max_positions,
        max_sector_exposure_percent=row.max_sector_exposure_percent,
        horizon_min_days=row.horizon_min_days, horizon_max_days=row.horizon_max_days,
        banned_sectors=tuple(row.banned_sectors or ()),
        earnings_blackout_days=row.earnings_blackout_days,
        liquidity_floor_adv=row.liquidity_floor_adv, min_market_cap=row.min_market_cap,
        allowed_strategies=tuple(row.allowed_strategies or ()), sl_multiplier=row.sl_multiplier,
        tp_multiplier=row.tp_multiplier, trailing_stop_enabled=row.trailing_stop_enabled,
        max_daily_loss_percent=row.max_daily_loss_percent,
        max_drawdown_percent=row.max_drawdown_percent, approval_mode=row.approval_mode,
        assumption_log=tuple(row.assumption_log or ()), summary=row.summary,
        is_active=row.is_active, created_at=row.created_at,
    )


def funding_view(row: FundingPlan) -> FundingPlanView:
    return FundingPlanView(
        id=row.id, account_id=row.account_id, funding_type=row.funding_type,
        sip_amount=row.sip_amount, sip_frequency=row.sip_frequency,
        sip_start_date=row.sip_start_date, sip_duration_months=row.sip_duration_months,
        lump_sum_amount=row.lump_sum_amount, lump_sum_date=row.lump_sum_date,
        tranche_plan=tuple(row.tranche_plan or ()),
        carry_forward_enabled=row.carry_forward_enabled,
        max_carry_forward_percent=row.max_carry_forward_percent,
        emergency_buffer_percent=row.emergency_buffer_percent,
        total_deployed=row.total_deployed, available_cash=row.available_cash,
        reserved_cash=row.reserved_cash,
    )
