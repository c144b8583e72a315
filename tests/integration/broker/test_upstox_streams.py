"""Market-data v3 (protobuf) and portfolio streams against the fake: ticks, drops, resubscribe."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from decimal import Decimal

from core.domain import BrokerOrder, Fill, OrderRequest, Quote
from core.enums import OrderStatus, OrderType, Product, Side
from tests.fakes.upstox_server import FakeUpstox
from tools.broker.upstox.http import UpstoxBroker
from tools.broker.upstox.ws import MarketDataStream

from .conftest import INFY


async def until(pred: Callable[[], bool], timeout_s: float = 5.0) -> None:
    """Poll (never sleep a fixed time) until pred() holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not pred():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def test_market_feed_ticks_then_drop_and_resubscribe(upstox: FakeUpstox,
                                                           client: UpstoxBroker) -> None:
    seen: list[Quote] = []

    async def on_quote(q: Quote) -> None:
        seen.append(q)

    stream = MarketDataStream(client, {INFY: "INFY"}, on_quote=on_quote)
    task = asyncio.create_task(stream.run())
    try:
        await until(lambda: bool(seen))  # the initial feed after subscribing
        assert seen[0].symbol == "INFY"
        assert stream.market_status == {"NSE_EQ": "2"}
        upstox.set_price(INFY, "101.25")
        await until(lambda: stream.quote("INFY") is not None
                    and stream.quote("INFY").last == 101.25)
        upstox.drop_streams()
        await until(lambda: stream.connections == 2)
        upstox.set_price(INFY, "102.5")
        await until(lambda: stream.quote("INFY").last == 102.5)  # resubscribed after the drop
    finally:
        await stream.stop()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_portfolio_stream_yields_fill_before_order_update(upstox: FakeUpstox,
                                                               client: UpstoxBroker) -> None:
    got: list[BrokerOrder | Fill] = []

    async def consume() -> None:
        async for u in client.updates():
            got.append(u)

    task = asyncio.create_task(consume())
    try:
        await until(lambda: bool(upstox._portfolio))
        req = OrderRequest(client_order_id="D7EN0feedbeef", symbol="INFY", exchange="NSE",
                           side=Side.BUY, order_type=OrderType.MARKET, product=Product.DELIVERY,
                           quantity=5, instrument_key=INFY)
        await client.place_order(req)
        await until(lambda: any(isinstance(u, Fill) for u in got))
        fill_at = next(i for i, u in enumerate(got) if isinstance(u, Fill))
        fill = got[fill_at]
        assert isinstance(fill, Fill)
        assert (fill.quantity, fill.price, fill.client_order_id) == (5, Decimal("100"),
                                                                     "D7EN0feedbeef")
        await until(lambda: any(isinstance(u, BrokerOrder) and u.status == OrderStatus.FILLED
                                for u in got[fill_at:]))
        upstox.drop_streams()
        await until(lambda: sum(1 for _, p in upstox.calls
                                if p.endswith("portfolio-stream-feed/authorize")) == 2)
        await until(lambda: len(upstox._portfolio) == 1)
        await client.place_order(OrderRequest(
            client_order_id="D7EN1feedbeef", symbol="INFY", exchange="NSE", side=Side.SELL,
            order_type=OrderType.MARKET, product=Product.DELIVERY, quantity=5,
            instrument_key=INFY))
        await until(lambda: any(isinstance(u, Fill) and u.client_order_id == "D7EN1feedbeef"
                                for u in got))  # updates flow again after the reconnect
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
