"""Own the validated inputs for accounts, mandates and funding plans (pydantic at the boundary)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.enums import AccountType, FundingType, Objective, SipFrequency, Strategy

SECTORS: tuple[str, ...] = (
    "Automobile and Auto Components", "Capital Goods", "Chemicals", "Construction",
    "Construction Materials", "Consumer Durables", "Consumer Services", "Diversified",
    "Fast Moving Consumer Goods", "Financial Services", "Forest Materials", "Healthcare",
    "Information Technology", "Media Entertainment & Publication", "Metals & Mining",
    "Oil Gas & Consumable Fuels", "Power", "Realty", "Services", "Telecommunication", "Textiles",
)
SECTOR_ALIASES: dict[str, str] = {
    "banking": "Financial Services", "banks": "Financial Services", "finance": "Financial Services",
    "nbfc": "Financial Services", "insurance": "Financial Services",
    "pharma": "Healthcare", "pharmaceuticals": "Healthcare", "hospitals": "Healthcare",
    "it": "Information Technology", "tech": "Information Technology",
    "software": "Information Technology", "auto": "Automobile and Auto Components",
    "autos": "Automobile and Auto Components", "fmcg": "Fast Moving Consumer Goods",
    "metals": "Metals & Mining", "mining": "Metals & Mining", "oil": "Oil Gas & Consumable Fuels",
    "energy": "Oil Gas & Consumable Fuels", "oil and gas": "Oil Gas & Consumable Fuels",
    "power": "Power", "utilities": "Power", "telecom": "Telecommunication", "cement":
    "Construction Materials", "infra": "Construction", "infrastructure": "Construction",
    "realty": "Realty", "real estate": "Realty", "media": "Media Entertainment & Publication",
    "chemicals": "Chemicals", "textiles": "Textiles", "capital goods": "Capital Goods",
    "consumer durables": "Consumer Durables",
}


def normalise_sector(name: str) -> str:
    """Map a sector name or common alias to the NSE industry name; unknown names raise."""
    key = name.strip().lower()
    for sector in SECTORS:
        if sector.lower() == key:
            return sector
    if key in SECTOR_ALIASES:
        return SECTOR_ALIASES[key]
    raise ValueError(f"unknown sector {name!r}; use an NSE industry such as {SECTORS[9]!r}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MandateSpec(_Strict):
    """Per-account rules. Percentages are percent (1.5 means 1.5 %)."""

    objective: Objective = Objective.BALANCED
    risk_per_trade_percent: float = Field(1.0, gt=0, le=5)
    max_positions: int = Field(8, ge=1, le=50)
    max_sector_exposure_percent: float = Field(30.0, gt=0, le=100)
    horizon_min_days: int = Field(1, ge=1, le=250)
    horizon_max_days: int = Field(10, ge=1, le=250)
    banned_sectors: tuple[str, ...] = ()
    earnings_blackout_days: int = Field(2, ge=0, le=30)
    liquidity_floor_adv: Decimal = Field(Decimal("50000000"), ge=0)  # ₹ average daily traded value
    min_market_cap: Decimal = Field(Decimal("0"), ge=0)  # ₹ crore
    allowed_strategies: tuple[Strategy, ...] = (
        Strategy.MOMENTUM, Strategy.MEAN_REVERSION, Strategy.EVENT_DRIVEN, Strategy.ML)
    sl_multiplier: float = Field(1.5, gt=0, le=10)
    tp_multiplier: float = Field(3.0, gt=0, le=20)
    trailing_stop_enabled: bool = False
    max_daily_loss_percent: float = Field(2.0, gt=0, le=20)
    max_drawdown_percent: float = Field(10.0, gt=0, le=60)
    approval_mode: str = Field("every_trade", pattern="^(every_trade|entries_only)$")
    assumption_log: tuple[dict[str, Any], ...] = ()
    summary: str | None = Field(None, max_length=2000)

    @field_validator("banned_sectors", mode="before")
    @classmethod
    def _sectors(cls, v: Any) -> tuple[str, ...]:
        items = [v] if isinstance(v, str) else list(v or [])
        return tuple(dict.fromkeys(normalise_sector(str(s)) for s in items))

    @model_validator(mode="after")
    def _horizon_order(self) -> MandateSpec:
        if self.horizon_min_days > self.horizon_max_days:
            raise ValueError("horizon_min_days must not exceed horizon_max_days")
        if not self.allowed_strategies:
            raise ValueError("allowed_strategies must name at least one strategy")
        return self


class TrancheStep(_Strict):
    percent: float = Field(gt=0, le=100)
    # immediate | date:YYYY-MM-DD | dip:5 | days:30
    trigger: str = Field("immediate", max_length=100)


class FundingPlanSpec(_Strict):
    """How money arrives: SIP installments, a lump sum in tranches, or both."""

    funding_type: FundingType
    sip_amount: Decimal | None = Field(None, gt=0)
    sip_frequency: SipFrequency | None = None
    sip_start_date: date | None = None
    sip_duration_months: int | None = Field(None, ge=1, le=600)
    lump_sum_amount: Decimal | None = Field(None, gt=0)
    lump_sum_date: date | None = None
    tranche_plan: tuple[TrancheStep, ...] = ()
    carry_forward_enabled: bool = True
    max_carry_forward_percent: float = Field(50.0, ge=0, le=100)
    emergency_buffer_percent: float = Field(5.0, ge=0, le=50)

    @model_validator(mode="after")
    def _consistent(self) -> FundingPlanSpec:
        sip = self.funding_type in (FundingType.SIP, FundingType.HYBRID)
        lump = self.funding_type in (FundingType.LUMP_SUM, FundingType.HYBRID)
        if sip and (self.sip_amount is None or self.sip_frequency is None
                    or self.sip_start_date is None):
            raise ValueError("an SIP plan needs sip_amount, sip_frequency and sip_start_date")
        if lump and (self.lump_sum_amount is None or self.lump_sum_date is None):
            raise ValueError("a lump-sum plan needs lump_sum_amount and lump_sum_date")
        if self.tranche_plan and abs(sum(t.percent for t in self.tranche_plan) - 100) > 1e-6:
            raise ValueError("tranche_plan percents must add up to 100")
        return self


class AccountSpec(_Strict):
    """Everything needed to open an account in one step."""

    name: str = Field(min_length=1, max_length=100)
    owner: str = Field("demo", min_length=1, max_length=50)
    account_type: AccountType
    mandate: MandateSpec
    funding: FundingPlanSpec
