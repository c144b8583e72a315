"""Own the immutable values that cross layers: instruments, bars, quotes, broker orders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from core.enums import DataSource, OrderStatus, OrderType, Product, Side


@dataclass(frozen=True, slots=True)
class Instrument:
    symbol: str
    exchange: str
    name: str = ""
    isin: str | None = None
    sector: str | None = None
    industry: str | None = None
    lot_size: int = 1
    tick_size: Decimal = Decimal("0.05")
    instrument_key: str | None = None
    series: str = "EQ"
    market_cap_cr: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Bar:
    symbol: str
    exchange: str
    interval: str  # "1d", "1m", "5m" ...
    ts: datetime  # bar open time, aware UTC (daily bars: session date 09:15 IST)
    open: float
    high: float
    low: float
    close: float
    volume: int
    oi: int | None = None
    source: DataSource = DataSource.CSV


@dataclass(frozen=True, slots=True)
class Quote:
    symbol: str
    exchange: str
    ts: datetime
    last: float
    volume: int = 0
    upper_circuit: float | None = None
    lower_circuit: float | None = None
    simulated: bool = False


@dataclass(frozen=True, slots=True)
class OrderRequest:
    client_order_id: str
    symbol: str
    exchange: str
    side: Side
    order_type: OrderType
    product: Product
    quantity: int
    price: Decimal | None = None
    trigger_price: Decimal | None = None
    instrument_key: str | None = None
    tag: str | None = None


@dataclass(frozen=True, slots=True)
class BrokerOrder:
    broker_order_id: str
    client_order_id: str | None
    symbol: str
    side: Side
    order_type: OrderType
    quantity: int
    status: OrderStatus
    filled_quantity: int = 0
    average_price: Decimal | None = None
    price: Decimal | None = None
    trigger_price: Decimal | None = None
    message: str | None = None
    updated_at: datetime | None = None
    raw: dict[str, object] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Fill:
    broker_order_id: str
    trade_id: str
    symbol: str
    side: Side
    quantity: int
    price: Decimal
    ts: datetime
    client_order_id: str | None = None
    fees: Decimal = Decimal("0")


@dataclass(frozen=True, slots=True)
class BrokerPosition:
    symbol: str
    exchange: str
    quantity: int  # signed net quantity
    average_price: Decimal
    product: Product
    last_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Funds:
    available_inr: Decimal
    used_margin_inr: Decimal = Decimal("0")
