"""Own the Protocols through which the desk talks to every external system."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from core.domain import Bar, BrokerOrder, BrokerPosition, Fill, Funds, OrderRequest, Quote
from core.enums import Product, Side


@runtime_checkable
class Broker(Protocol):
    """Place, change and read orders at a broker (paper or real). All calls are idempotent on
    OrderRequest.client_order_id: placing the same client id twice returns the first order."""

    name: str

    async def place_order(self, request: OrderRequest) -> BrokerOrder: ...

    async def modify_order(
        self,
        broker_order_id: str,
        *,
        price: object | None = None,
        trigger_price: object | None = None,
        quantity: int | None = None,
    ) -> BrokerOrder: ...

    async def cancel_order(self, broker_order_id: str) -> BrokerOrder: ...

    async def orders(self) -> list[BrokerOrder]: ...

    async def order_history(self, broker_order_id: str) -> list[BrokerOrder]: ...

    async def trades(self) -> list[Fill]: ...

    async def positions(self) -> list[BrokerPosition]: ...

    async def holdings(self) -> list[BrokerPosition]: ...

    async def funds(self) -> Funds: ...

    def updates(self) -> AsyncIterator[BrokerOrder | Fill]: ...


@dataclass(frozen=True, slots=True)
class BracketOrder:
    """Entry + target + stop as one broker-side order (Upstox: a multi-leg GTT)."""

    symbol: str
    instrument_key: str | None
    side: Side  # of the entry
    product: Product
    quantity: int
    entry_price: Decimal
    stop_loss: Decimal
    take_profit: Decimal
    entry_trigger: str = "IMMEDIATE"  # ABOVE | BELOW | IMMEDIATE
    trailing_gap: Decimal | None = None


@runtime_checkable
class BracketBroker(Protocol):
    """A broker that holds the whole bracket itself (OCO, trailing) once the entry fills."""

    async def place_bracket(self, bracket: BracketOrder) -> str: ...

    async def cancel_bracket(self, bracket_id: str) -> None: ...

    async def live_brackets(self) -> set[str]: ...


@runtime_checkable
class MarketFeed(Protocol):
    """A source of bars and quotes: simulated, replayed from stored bars, or live."""

    simulated: bool

    def history(self, symbol: str, interval: str, start: datetime, end: datetime) -> list[Bar]: ...

    def quote(self, symbol: str) -> Quote | None: ...

    def stream(self, symbols: Sequence[str]) -> AsyncIterator[Bar]: ...


@runtime_checkable
class Embedder(Protocol):
    """Turn texts into unit-norm vectors of a fixed dimension."""

    dim: int
    model_version: str

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


@runtime_checkable
class Notifier(Protocol):
    """Push a short message to the humans watching an account (Telegram, or nowhere)."""

    async def notify(self, text: str, account_id: int | None = None) -> None: ...
