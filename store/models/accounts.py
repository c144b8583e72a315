"""Own the account side of the schema: users, access, accounts, mandates, funding, capital moves."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base
from store.types import JSONType, Money, UTCDateTime


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    telegram_user_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    role: Mapped[str] = mapped_column(String(20), default="TRADER")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccountAccess(Base):
    """Who may see and who may approve for an account."""

    __tablename__ = "account_access"
    __table_args__ = (UniqueConstraint("user_id", "account_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    can_view: Mapped[bool] = mapped_column(Boolean, default=True)
    can_approve: Mapped[bool] = mapped_column(Boolean, default=False)


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("user_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(100))
    account_type: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Mandate(Base):
    __tablename__ = "mandates"
    __table_args__ = (UniqueConstraint("account_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    objective: Mapped[str | None] = mapped_column(String(50))
    risk_per_trade_percent: Mapped[float | None] = mapped_column(Float)
    max_positions: Mapped[int | None] = mapped_column(Integer)
    max_sector_exposure_percent: Mapped[float | None] = mapped_column(Float)
    horizon_min_days: Mapped[int | None] = mapped_column(Integer)
    horizon_max_days: Mapped[int | None] = mapped_column(Integer)
    banned_sectors: Mapped[list[str] | None] = mapped_column(JSONType)
    earnings_blackout_days: Mapped[int | None] = mapped_column(Integer)
    liquidity_floor_adv: Mapped[Decimal | None] = mapped_column(Money)
    min_market_cap: Mapped[Decimal | None] = mapped_column(Money)
    allowed_strategies: Mapped[list[str] | None] = mapped_column(JSONType)
    sl_multiplier: Mapped[float | None] = mapped_column(Float)
    tp_multiplier: Mapped[float | None] = mapped_column(Float)
    trailing_stop_enabled: Mapped[bool | None] = mapped_column(Boolean)
    max_daily_loss_percent: Mapped[float | None] = mapped_column(Float)
    max_drawdown_percent: Mapped[float | None] = mapped_column(Float)
    approval_mode: Mapped[str | None] = mapped_column(String(30))
    assumption_log: Mapped[list[Any] | None] = mapped_column(JSONType)
    summary: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class FundingPlan(Base):
    __tablename__ = "funding_plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    funding_type: Mapped[str | None] = mapped_column(String(50))
    sip_amount: Mapped[Decimal | None] = mapped_column(Money)
    sip_frequency: Mapped[str | None] = mapped_column(String(20))
    sip_start_date: Mapped[date | None] = mapped_column(Date)
    sip_duration_months: Mapped[int | None] = mapped_column(Integer)
    lump_sum_amount: Mapped[Decimal | None] = mapped_column(Money)
    lump_sum_date: Mapped[date | None] = mapped_column(Date)
    tranche_plan: Mapped[list[Any] | None] = mapped_column(JSONType)
    carry_forward_enabled: Mapped[bool | None] = mapped_column(Boolean)
    max_carry_forward_percent: Mapped[float | None] = mapped_column(Float)
    emergency_buffer_percent: Mapped[float | None] = mapped_column(Float)
    total_deployed: Mapped[Decimal | None] = mapped_column(Money)
    available_cash: Mapped[Decimal | None] = mapped_column(Money)
    reserved_cash: Mapped[Decimal | None] = mapped_column(Money)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CapitalTransaction(Base):
    __tablename__ = "capital_transactions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    transaction_type: Mapped[str | None] = mapped_column(String(50))
    amount: Mapped[Decimal] = mapped_column(Money)
    from_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    to_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    timestamp: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(50))
    reference: Mapped[str | None] = mapped_column(String(100), unique=True)


class TransferProposal(Base):
    """An inter-account move or tranche release that waits for a human before it becomes money."""

    __tablename__ = "transfer_proposals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # TRANSFER, TRANCHE_RELEASE, AUTO_RETURN
    from_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    to_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[str | None] = mapped_column(Text)
    trade_card_id: Mapped[int | None] = mapped_column(ForeignKey("trade_cards.id"))
    status: Mapped[str] = mapped_column(String(20), default="PENDING")
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(50))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signal_id: Mapped[int | None] = mapped_column(Integer)  # the candidate a loan funds
    reference: Mapped[str | None] = mapped_column(String(100), unique=True, index=True)
