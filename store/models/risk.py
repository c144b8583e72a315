"""Own the risk and record side of the schema: risk snapshots, kill switches, audit log, reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base
from store.types import JSONType, UTCDateTime


class RiskSnapshotRow(Base):
    __tablename__ = "risk_snapshots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    total_open_risk: Mapped[float | None] = mapped_column(Float)
    total_unrealized_pnl: Mapped[float | None] = mapped_column(Float)
    open_positions_count: Mapped[int | None] = mapped_column(Integer)
    daily_new_risk: Mapped[float | None] = mapped_column(Float)
    daily_realized_pnl: Mapped[float | None] = mapped_column(Float)
    daily_max_drawdown: Mapped[float | None] = mapped_column(Float)
    portfolio_volatility: Mapped[float | None] = mapped_column(Float)
    volatility_target: Mapped[float | None] = mapped_column(Float)
    equity: Mapped[float | None] = mapped_column(Float)
    sector_exposures: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    kill_switches_active: Mapped[list[Any] | None] = mapped_column(JSONType)
    timestamp: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class KillSwitchRow(Base):
    __tablename__ = "kill_switches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    switch_type: Mapped[str | None] = mapped_column(String(50))
    threshold_value: Mapped[float | None] = mapped_column(Float)
    threshold_type: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_triggered: Mapped[bool] = mapped_column(Boolean, default=False)
    triggered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    triggered_value: Mapped[float | None] = mapped_column(Float)
    trigger_reason: Mapped[str | None] = mapped_column(Text)
    action_on_trigger: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    auto_reset_minutes: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditLogRow(Base):
    """Append-only, hash-chained record of every step; Postgres refuses UPDATE/DELETE."""

    __tablename__ = "audit_logs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    action_type: Mapped[str] = mapped_column(String(50))
    action_category: Mapped[str | None] = mapped_column(String(50), index=True)
    user_id: Mapped[str | None] = mapped_column(String(50))
    account_id: Mapped[int | None] = mapped_column(Integer, index=True)
    trade_card_id: Mapped[int | None] = mapped_column(Integer, index=True)
    order_id: Mapped[int | None] = mapped_column(Integer)
    event_id: Mapped[int | None] = mapped_column(Integer)
    signal_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    meta_data: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    model_version: Mapped[str | None] = mapped_column(String(50))
    strategy_version: Mapped[str | None] = mapped_column(String(50))
    service_name: Mapped[str | None] = mapped_column(String(100))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    artifact_links: Mapped[list[Any] | None] = mapped_column(JSONType)
    checksum: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64), unique=True)


class ReportRow(Base):
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("kind", "report_date", "account_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # EOD, MONTHLY
    report_date: Mapped[date] = mapped_column(Date)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    markdown: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
