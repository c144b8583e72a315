"""Own the public JSON shapes of the accounts API (separate from the ORM and the domain views)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel


class AccountOut(BaseModel):
    id: int
    name: str
    owner: str
    account_type: str | None
    status: str | None
    created_at: datetime | None


class MandateOut(BaseModel):
    version: int
    is_active: bool
    objective: str | None
    risk_per_trade_percent: float | None
    max_positions: int | None
    max_sector_exposure_percent: float | None
    horizon_min_days: int | None
    horizon_max_days: int | None
    banned_sectors: list[str]
    earnings_blackout_days: int | None
    liquidity_floor_adv: Decimal | None
    min_market_cap: Decimal | None
    allowed_strategies: list[str]
    sl_multiplier: float | None
    tp_multiplier: float | None
    trailing_stop_enabled: bool | None
    max_daily_loss_percent: float | None
    max_drawdown_percent: float | None
    approval_mode: str | None
    assumption_log: list[Any]
    summary: str | None
    created_at: datetime | None


class FundingPlanOut(BaseModel):
    funding_type: str | None
    sip_amount: Decimal | None
    sip_frequency: str | None
    sip_start_date: date | None
    sip_duration_months: int | None
    lump_sum_amount: Decimal | None
    lump_sum_date: date | None
    tranche_plan: list[dict[str, Any]]
    carry_forward_enabled: bool | None
    max_carry_forward_percent: float | None
    emergency_buffer_percent: float | None


class AccountDetailOut(AccountOut):
    mandate: MandateOut
    funding_plan: FundingPlanOut


class StatusChange(BaseModel):
    reason: str | None = None
