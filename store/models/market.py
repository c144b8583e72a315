"""Own market reference data and prices: instruments, bars, flows, features."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base
from store.types import Money, Price, UTCDateTime


class Instrument(Base):
    __tablename__ = "instruments"
    __table_args__ = (UniqueConstraint("symbol", "exchange"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    symbol: Mapped[str] = mapped_column(String(30))
    exchange: Mapped[str] = mapped_column(String(10), default="NSE")
    isin: Mapped[str | None] = mapped_column(String(12), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    series: Mapped[str | None] = mapped_column(String(5))
    sector: Mapped[str | None] = mapped_column(String(100))
    industry: Mapped[str | None] = mapped_column(String(100))
    lot_size: Mapped[int] = mapped_column(Integer, default=1)
    tick_size: Mapped[Decimal] = mapped_column(Price, default=Decimal("0.05"))
    instrument_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    market_cap_cr: Mapped[Decimal | None] = mapped_column(Money)
    listing_date: Mapped[date | None] = mapped_column(Date)
    aliases: Mapped[str | None] = mapped_column(String(500))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class BarRow(Base):
    __tablename__ = "bars"
    __table_args__ = (
        UniqueConstraint("symbol", "exchange", "interval", "ts"),
        Index("ix_bars_interval_ts", "interval", "ts"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    symbol: Mapped[str] = mapped_column(String(30))
    exchange: Mapped[str] = mapped_column(String(10), default="NSE")
    interval: Mapped[str] = mapped_column(String(5))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    open: Mapped[float] = mapped_column(Float)
    high: Mapped[float] = mapped_column(Float)
    low: Mapped[float] = mapped_column(Float)
    close: Mapped[float] = mapped_column(Float)
    volume: Mapped[int] = mapped_column(BigInteger)
    oi: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str | None] = mapped_column(String(20))


class MarketFlow(Base):
    """Daily institutional cash flows (FII/FPI and DII net, ₹ crore) from the NSE report."""

    __tablename__ = "market_flows"
    __table_args__ = (UniqueConstraint("date", "category"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(10))  # FII, DII
    buy_cr: Mapped[Decimal | None] = mapped_column(Money)
    sell_cr: Mapped[Decimal | None] = mapped_column(Money)
    net_cr: Mapped[Decimal] = mapped_column(Money)
    source: Mapped[str | None] = mapped_column(String(50))


class FeatureRow(Base):
    __tablename__ = "features"
    __table_args__ = (UniqueConstraint("symbol", "exchange", "timestamp"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    symbol: Mapped[str] = mapped_column(String(30))
    exchange: Mapped[str | None] = mapped_column(String(10))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    close: Mapped[float | None] = mapped_column(Float)
    momentum_5d: Mapped[float | None] = mapped_column(Float)
    momentum_10d: Mapped[float | None] = mapped_column(Float)
    momentum_20d: Mapped[float | None] = mapped_column(Float)
    atr_percent: Mapped[float | None] = mapped_column(Float)
    atr_14d: Mapped[float | None] = mapped_column(Float)
    rsi_14: Mapped[float | None] = mapped_column(Float)
    gap_percent: Mapped[float | None] = mapped_column(Float)
    gap_filled: Mapped[bool | None] = mapped_column(Boolean)
    realized_vol_20d: Mapped[float | None] = mapped_column(Float)
    adv_20d_inr: Mapped[float | None] = mapped_column(Float)
    iv_rank: Mapped[float | None] = mapped_column(Float)
    pcr: Mapped[float | None] = mapped_column(Float)
    pcr_delta: Mapped[float | None] = mapped_column(Float)
    oi_change_percent: Mapped[float | None] = mapped_column(Float)
    futures_basis: Mapped[float | None] = mapped_column(Float)
    regime_label: Mapped[str | None] = mapped_column(String(20))
    liquidity_regime: Mapped[str | None] = mapped_column(String(20))
    fpi_flow_5d: Mapped[float | None] = mapped_column(Float)
    dii_flow_5d: Mapped[float | None] = mapped_column(Float)
    data_source: Mapped[str | None] = mapped_column(String(50))
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
