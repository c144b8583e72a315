"""Own the Upstox streams: market data v3 (protobuf, reconnect, resubscribe) and order updates."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from core.domain import BrokerOrder, Fill, Quote
from core.errors import TemporaryBrokerError, TokenExpired
from tools.broker.upstox import parse
from tools.broker.upstox.proto.feed_pb import FeedResponse
from tools.broker.upstox.schemas import UpstoxOrder

if TYPE_CHECKING:
    from tools.broker.upstox.http import UpstoxBroker

MARKET_AUTHORIZE = "/v3/feed/market-data-feed/authorize"
PORTFOLIO_AUTHORIZE = "/v2/feed/portfolio-stream-feed/authorize"
_DROPS = (ConnectionClosed, OSError, InvalidStatus, TemporaryBrokerError, asyncio.TimeoutError)


def _exchange(instrument_key: str) -> str:
    return instrument_key.split("|", 1)[0].split("_", 1)[0]


def decode_feed(payload: bytes, symbols: dict[str, str]) -> list[Quote]:
    """Quotes from one protobuf FeedResponse (ltpc, full market/index or greeks feeds)."""
    msg = FeedResponse.FromString(payload)
    out: list[Quote] = []
    for key, feed in msg.feeds.items():
        kind = feed.WhichOneof("FeedUnion")
        volume = 0
        if kind == "ltpc":
            ltpc = feed.ltpc
        elif kind == "fullFeed":
            full = feed.fullFeed
            market = full.WhichOneof("FullFeedUnion") == "marketFF"
            inner = full.marketFF if market else full.indexFF
            ltpc = inner.ltpc
            volume = int(getattr(inner, "vtt", 0))
        elif kind == "firstLevelWithGreeks":
            ltpc, volume = feed.firstLevelWithGreeks.ltpc, int(feed.firstLevelWithGreeks.vtt)
        else:
            continue
        ms = ltpc.ltt or msg.currentTs
        out.append(Quote(symbol=symbols.get(key, key), exchange=_exchange(key),
                         ts=datetime.fromtimestamp(ms / 1000, tz=UTC), last=ltpc.ltp,
                         volume=volume))
    return out


class MarketDataStream:
    """Live quotes for subscribed instrument keys; reconnects and resubscribes after a drop.

    Also a quote source: `quote(symbol)` returns the latest price seen.
    """

    def __init__(self, broker: UpstoxBroker, symbols: dict[str, str], *, mode: str = "ltpc",
                 on_quote: Callable[[Quote], Awaitable[None]] | None = None,
                 retry_delay_s: float = 0.05, max_delay_s: float = 2.0) -> None:
        self._broker, self.symbols, self.mode = broker, dict(symbols), mode
        self._on_quote, self._delay0, self._max_delay = on_quote, retry_delay_s, max_delay_s
        self._latest: dict[str, Quote] = {}
        self._ws: Any = None
        self.connections = 0
        self.market_status: dict[str, str] = {}
        self._stopped = False

    def quote(self, symbol: str) -> Quote | None:
        return self._latest.get(symbol)

    async def subscribe(self, symbols: dict[str, str]) -> None:
        self.symbols.update(symbols)
        if self._ws is not None:
            await self._send("sub", list(symbols))

    async def _send(self, method: str, keys: list[str]) -> None:
        frame = {"guid": uuid.uuid4().hex, "method": method,
                 "data": {"mode": self.mode, "instrumentKeys": keys}}
        await self._ws.send(json.dumps(frame).encode())  # binary frame, as the SDK sends

    async def run(self) -> None:
        """Connect, subscribe, read; on any drop reconnect (backing off) and resubscribe."""
        delay = self._delay0
        while not self._stopped:
            try:
                url = await self._broker.authorized_url(MARKET_AUTHORIZE)
                async with websockets.connect(url, max_size=2**22, close_timeout=1) as ws:
                    self._ws, delay = ws, self._delay0
                    self.connections += 1
                    if self.symbols:
                        await self._send("sub", list(self.symbols))
                    async for frame in ws:
                        await self._handle(frame)
            except TokenExpired:
                raise
            except _DROPS:
                pass
            finally:
                self._ws = None
            if not self._stopped:
                await asyncio.sleep(delay)
                delay = min(self._max_delay, delay * 2)

    async def _handle(self, frame: bytes | str) -> None:
        if isinstance(frame, str):
            return
        msg = FeedResponse.FromString(frame)
        if msg.type == 2:  # market_info
            self.market_status = {k: str(v) for k, v in msg.marketInfo.segmentStatus.items()}
            return
        for q in decode_feed(frame, self.symbols):
            self._latest[q.symbol] = q
            if self._on_quote is not None:
                await self._on_quote(q)

    async def stop(self) -> None:
        self._stopped = True
        if self._ws is not None:
            await self._ws.close()


class PortfolioStream:
    """Order updates from the portfolio stream; a growing filled quantity also yields the new
    trades (fetched from the order's trade list) before the order update itself."""

    def __init__(self, broker: UpstoxBroker, retry_delay_s: float = 0.05) -> None:
        self._broker, self._delay = broker, retry_delay_s
        self._filled: dict[str, int] = {}
        self._seen: set[str] = set()
        self.connections = 0

    async def updates(self) -> AsyncIterator[BrokerOrder | Fill]:
        while True:
            try:
                url = await self._broker.authorized_url(
                    PORTFOLIO_AUTHORIZE, {"update_types": "order,gtt_order"})
                async with websockets.connect(url, close_timeout=1) as ws:
                    self.connections += 1
                    async for frame in ws:
                        for update in await self._translate(frame):
                            yield update
            except TokenExpired:
                raise
            except _DROPS:
                await asyncio.sleep(self._delay)

    async def _translate(self, frame: bytes | str) -> list[BrokerOrder | Fill]:
        data = json.loads(frame)
        if data.get("update_type") != "order":
            return []
        order = UpstoxOrder.model_validate(data)
        out: list[BrokerOrder | Fill] = []
        if order.filled_quantity > self._filled.get(order.order_id, 0):
            for fill in await self._broker.trades_for_order(order.order_id, order.tag):
                if fill.trade_id not in self._seen:
                    self._seen.add(fill.trade_id)
                    out.append(fill)
            self._filled[order.order_id] = order.filled_quantity
        out.append(parse.to_order(order))
        return out
