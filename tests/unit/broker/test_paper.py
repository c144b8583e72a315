"""Paper broker without a database: matching rules, bands, partial fills, MIS cut-off, charges."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from core.clock import IST, FakeClock
from core.domain import Bar, Fill, OrderRequest, Quote
from core.enums import OrderStatus, OrderType, Product, Side
from core.errors import OrderRejected
from tools.broker.paper import PaperBroker
from tools.broker.paper_match import Tape, fill_price
from tools.charges import compute_charges


class Quotes:
    def __init__(self) -> None:
        self.q: dict[str, Quote] = {}

    def quote(self, symbol: str) -> Quote | None:
        return self.q.get(symbol)


@pytest.fixture
def world() -> tuple[FakeClock, Quotes, PaperBroker]:
    clock = FakeClock(datetime(2025, 12, 16, 10, 0, tzinfo=IST))
    quotes = Quotes()
    quotes.q["X"] = Quote("X", "NSE", clock.now(), 100.0, lower_circuit=90.0, upper_circuit=110.0)
    return clock, quotes, PaperBroker(clock, quotes, slippage_bps=Decimal("0"))


def req(cid: str, **kw: object) -> OrderRequest:
    values: dict[str, object] = {"client_order_id": cid, "symbol": "X", "exchange": "NSE",
                                 "side": Side.BUY, "order_type": OrderType.MARKET,
                                 "product": Product.DELIVERY, "quantity": 10}
    values.update(kw)
    return OrderRequest(**values)  # type: ignore[arg-type]


def bar(clock: FakeClock, o: float, h: float, lo: float, c: float, v: int = 0) -> Bar:
    return Bar("X", "NSE", "1m", clock.now(), o, h, lo, c, v)


def test_stop_gap_through_fills_at_open_not_trigger() -> None:
    tape = Tape(Decimal(88), Decimal(90), Decimal(87), Decimal(89), None, gap=True)
    px, trig = fill_price(OrderType.SL_M, Side.SELL, tape, price=None, trigger=Decimal(95),
                          triggered=False, slippage_bps=Decimal(0), tick=None)
    assert (px, trig) == (Decimal(88), True)


def test_stop_limit_jumped_past_rests_as_limit() -> None:
    tape = Tape(Decimal(88), Decimal(89), Decimal(87), Decimal(88), None)
    px, trig = fill_price(OrderType.SL, Side.SELL, tape, price=Decimal("94.5"),
                          trigger=Decimal(95), triggered=False, slippage_bps=Decimal(0), tick=None)
    assert (px, trig) == (None, True)


async def test_idempotent_on_client_id(world: tuple[FakeClock, Quotes, PaperBroker]) -> None:
    _, _, broker = world
    a = await broker.place_order(req("A"))
    b = await broker.place_order(req("A"))
    assert a.broker_order_id == b.broker_order_id
    assert len(await broker.orders()) == 1


async def test_circuit_band_rejects(world: tuple[FakeClock, Quotes, PaperBroker]) -> None:
    _, _, broker = world
    with pytest.raises(OrderRejected, match="circuit"):
        await broker.place_order(req("B", order_type=OrderType.LIMIT, price=Decimal("111")))


async def test_partial_fills_by_volume_share_and_fees(
        world: tuple[FakeClock, Quotes, PaperBroker]) -> None:
    clock, _, broker = world
    await broker.place_order(req("C", quantity=150))
    first = await broker.on_bar(bar(clock, 100, 101, 99, 100, v=1000))  # 10 % of 1000 = 100
    fills = [u for u in first if isinstance(u, Fill)]
    assert [f.quantity for f in fills] == [100]
    assert fills[0].fees == compute_charges(Side.BUY, Product.DELIVERY, 100, Decimal(100)).total
    order = (await broker.orders())[0]
    assert (order.status, order.filled_quantity) == (OrderStatus.PARTIALLY_FILLED, 100)
    await broker.on_bar(bar(clock, 100.5, 101, 100, 100.5, v=1000))
    order = (await broker.orders())[0]
    assert (order.status, order.filled_quantity) == (OrderStatus.FILLED, 150)
    assert order.average_price == Decimal("100.17")


async def test_mis_square_off_at_cutoff(world: tuple[FakeClock, Quotes, PaperBroker]) -> None:
    clock, quotes, broker = world
    await broker.place_order(req("D", product=Product.INTRADAY))
    await broker.on_quote(quotes.q["X"])
    assert (await broker.positions())[0].quantity == 10
    clock.set(datetime(2025, 12, 16, 15, 15, tzinfo=IST))
    quotes.q["X"] = Quote("X", "NSE", clock.now(), 101.0)
    updates = await broker.on_quote(quotes.q["X"])
    assert any(isinstance(u, Fill) and u.side == Side.SELL for u in updates)
    assert await broker.positions() == []
    with pytest.raises(OrderRejected, match="square-off"):
        await broker.place_order(req("E", product=Product.INTRADAY))


async def test_oco_siblings_cancel(world: tuple[FakeClock, Quotes, PaperBroker]) -> None:
    clock, _, broker = world
    stop = await broker.place_order(req("S", side=Side.SELL, order_type=OrderType.SL_M,
                                        trigger_price=Decimal(95), tag="OCO1"))
    await broker.place_order(req("T", side=Side.SELL, order_type=OrderType.LIMIT,
                                 price=Decimal(105), tag="OCO1"))
    await broker.on_bar(bar(clock, 106, 107, 105, 106))
    states = {o.client_order_id: o.status for o in await broker.orders()}
    assert states == {"S": OrderStatus.CANCELLED, "T": OrderStatus.FILLED}
    assert stop.status == OrderStatus.TRIGGER_PENDING
