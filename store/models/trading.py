"""Own the trading side of the schema: trade cards, orders, fills, positions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import Boolean

from store.models.base import Base
from store.types import JSONType, Money, Price, UTCDateTime


class TradeCardRow(Base):
    __tablename__ = "trade_cards"
    __table_args__ = (Index("ix_trade_cards_account_status", "account_id", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    signal_id: Mapped[int | None] = mapped_column(ForeignKey("signals.id"))
    symbol: Mapped[str] = mapped_column(String(30))
    exchange: Mapped[str | None] = mapped_column(String(10))
    direction: Mapped[str | None] = mapped_column(String(10))
    entry_price: Mapped[Decimal] = mapped_column(Price)
    entry_order_type: Mapped[str | None] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer)
    position_size_rupees: Mapped[Decimal | None] = mapped_column(Money)
    stop_loss: Mapped[Decimal] = mapped_column(Price)
    take_profit: Mapped[Decimal] = mapped_column(Price)
    trailing_stop_config: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    tranche_config: Mapped[list[Any] | None] = mapped_column(JSONType)
    strategy: Mapped[str | None] = mapped_column(String(50))
    thesis: Mapped[str | None] = mapped_column(Text)
    evidence_links: Mapped[list[Any] | None] = mapped_column(JSONType)
    confidence: Mapped[float | None] = mapped_column(Float)
    edge: Mapped[float | None] = mapped_column(Float)
    horizon_days: Mapped[int | None] = mapped_column(Integer)
    risk_amount: Mapped[Decimal | None] = mapped_column(Money)
    reward_amount: Mapped[Decimal | None] = mapped_column(Money)
    risk_reward_ratio: Mapped[float | None] = mapped_column(Float)
    risks: Mapped[str | None] = mapped_column(Text)
    liquidity_check: Mapped[bool | None] = mapped_column(Boolean)
    position_size_check: Mapped[bool | None] = mapped_column(Boolean)
    exposure_check: Mapped[bool | None] = mapped_column(Boolean)
    event_window_check: Mapped[bool | None] = mapped_column(Boolean)
    regime_check: Mapped[bool | None] = mapped_column(Boolean)
    catalyst_freshness_check: Mapped[bool | None] = mapped_column(Boolean)
    overbought_check: Mapped[bool | None] = mapped_column(Boolean)
    risk_warnings: Mapped[list[Any] | None] = mapped_column(JSONType)
    playbook_id: Mapped[int | None] = mapped_column(ForeignKey("playbooks.id"))
    playbook_overrides: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    status: Mapped[str | None] = mapped_column(String(20))
    priority: Mapped[int | None] = mapped_column(Integer)
    model_version: Mapped[str | None] = mapped_column(String(50))
    judge_rationale: Mapped[str | None] = mapped_column(Text)
    card_hash: Mapped[str | None] = mapped_column(String(64))
    meta_label_id: Mapped[int | None] = mapped_column(ForeignKey("meta_labels.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    executed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(50))
    approved_quantity: Mapped[int | None] = mapped_column(Integer)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    decided_via: Mapped[str | None] = mapped_column(String(20))


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_account_status", "account_id", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trade_card_id: Mapped[int] = mapped_column(ForeignKey("trade_cards.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    client_order_id: Mapped[str] = mapped_column(String(40), unique=True)
    broker: Mapped[str | None] = mapped_column(String(20))
    broker_order_id: Mapped[str | None] = mapped_column(String(100), index=True)
    parent_order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    bracket_id: Mapped[str | None] = mapped_column(String(40), index=True)  # e.g. Upstox GTT id
    order_category: Mapped[str | None] = mapped_column(String(20))
    symbol: Mapped[str] = mapped_column(String(30))
    exchange: Mapped[str | None] = mapped_column(String(10))
    order_type: Mapped[str | None] = mapped_column(String(20))
    transaction_type: Mapped[str | None] = mapped_column(String(10))
    product: Mapped[str | None] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal | None] = mapped_column(Price)
    trigger_price: Mapped[Decimal | None] = mapped_column(Price)
    status: Mapped[str | None] = mapped_column(String(20))
    status_message: Mapped[str | None] = mapped_column(Text)
    filled_quantity: Mapped[int] = mapped_column(Integer, default=0)
    average_price: Mapped[Decimal | None] = mapped_column(Price)
    fees: Mapped[Decimal | None] = mapped_column(Money)
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FillRow(Base):
    __tablename__ = "fills"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    broker_trade_id: Mapped[str] = mapped_column(String(100), unique=True)
    symbol: Mapped[str] = mapped_column(String(30))
    side: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal] = mapped_column(Price)
    fees: Mapped[Decimal] = mapped_column(Money)
    fee_breakdown: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    ts: Mapped[datetime] = mapped_column(UTCDateTime)


class PositionRow(Base):
    __tablename__ = "positions"
    __table_args__ = (Index("ix_positions_account_closed", "account_id", "closed_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    trade_card_id: Mapped[int | None] = mapped_column(ForeignKey("trade_cards.id"))
    symbol: Mapped[str] = mapped_column(String(30))
    exchange: Mapped[str | None] = mapped_column(String(10))
    sector: Mapped[str | None] = mapped_column(String(100))
    strategy: Mapped[str | None] = mapped_column(String(50))
    direction: Mapped[str | None] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer)
    initial_quantity: Mapped[int | None] = mapped_column(Integer)
    average_entry_price: Mapped[Decimal] = mapped_column(Price)
    current_price: Mapped[Decimal | None] = mapped_column(Price)
    stop_loss: Mapped[Decimal | None] = mapped_column(Price)
    take_profit: Mapped[Decimal | None] = mapped_column(Price)
    trailing_stop_config: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    unrealized_pnl: Mapped[Decimal | None] = mapped_column(Money)
    realized_pnl: Mapped[Decimal | None] = mapped_column(Money)
    fees_paid: Mapped[Decimal | None] = mapped_column(Money)
    risk_amount: Mapped[Decimal | None] = mapped_column(Money)
    reward_potential: Mapped[Decimal | None] = mapped_column(Money)
    exit_reason: Mapped[str | None] = mapped_column(String(30))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
