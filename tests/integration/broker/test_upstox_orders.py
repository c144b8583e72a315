"""The real Upstox client against the loopback fake: orders, errors, retries, idempotency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.clock import FakeClock
from core.domain import OrderRequest
from core.enums import OrderStatus, OrderType, Product, Side
from core.errors import OrderRejected, TokenExpired
from tests.fakes.upstox_server import FakeUpstox
from tools.broker.upstox.http import UpstoxBroker

from .conftest import INFY


def req(cid: str = "D1EN0abcdef12", **kw: object) -> OrderRequest:
    values: dict[str, object] = {"client_order_id": cid, "symbol": "INFY", "exchange": "NSE",
                                     "side": Side.BUY, "order_type": OrderType.LIMIT,
                                     "product": Product.DELIVERY, "quantity": 10,
                                     "price": Decimal("99.50"), "instrument_key": INFY}
    values.update(kw)
    return OrderRequest(**values)  # type: ignore[arg-type]


async def test_place_fill_and_read_back(upstox: FakeUpstox, client: UpstoxBroker) -> None:
    ack = await client.place_order(req())
    assert ack.status == OrderStatus.SUBMITTED
    assert (await client.order(ack.broker_order_id)).status == OrderStatus.OPEN
    upstox.set_price(INFY, "99.40")
    order = await client.order(ack.broker_order_id)
    assert order.status == OrderStatus.FILLED
    assert order.average_price == Decimal("99.50")
    assert order.client_order_id == "D1EN0abcdef12"
    trades = await client.trades()
    assert [(t.quantity, t.price, t.client_order_id) for t in trades] == [
        (10, Decimal("99.5"), "D1EN0abcdef12")]
    positions = await client.positions()
    assert positions[0].quantity == 10
    history = await client.order_history(ack.broker_order_id)
    assert [h.status for h in history][-1] == OrderStatus.FILLED


async def test_rejection_carries_upstox_code(client: UpstoxBroker) -> None:
    with pytest.raises(OrderRejected) as err:
        await client.place_order(req(price=Decimal("99.53")))
    assert err.value.code == "UDAPI100036"
    assert "tick size" in str(err.value)


async def test_circuit_breach_is_rejected_by_rms(client: UpstoxBroker) -> None:
    ack = await client.place_order(req(price=Decimal("125")))
    order = await client.order(ack.broker_order_id)
    assert order.status == OrderStatus.REJECTED
    assert "circuit" in (order.message or "")


async def test_429_then_success_places_one_order(upstox: FakeUpstox,
                                                 client: UpstoxBroker) -> None:
    upstox.exhaust("order")
    ack = await client.place_order(req())
    assert ack.broker_order_id
    assert upstox.place_count() == 2  # one 429, one success
    assert len(await client.orders()) == 1


async def test_5xx_then_timeout_then_success_places_one_order(upstox: FakeUpstox,
                                                              client: UpstoxBroker) -> None:
    upstox.fail_next("/v3/order/place", 503, 0.8)  # 503, then processed but answered too late
    ack = await client.place_order(req())
    orders = await client.orders()
    assert len(orders) == 1
    assert orders[0].broker_order_id == ack.broker_order_id
    assert upstox.place_count() == 2  # the third attempt found the order by its tag


async def test_expired_token_is_not_retried(upstox: FakeUpstox, client: UpstoxBroker,
                                            clock: FakeClock) -> None:
    clock.advance(hours=24)  # past 03:30 IST
    with pytest.raises(TokenExpired):
        await client.place_order(req())
    assert upstox.place_count() == 1


async def test_modify_and_cancel(upstox: FakeUpstox, client: UpstoxBroker) -> None:
    ack = await client.place_order(req(order_type=OrderType.SL_M, side=Side.SELL, price=None,
                                       trigger_price=Decimal("95")))
    moved = await client.modify_order(ack.broker_order_id, trigger_price=Decimal("96"))
    assert moved.trigger_price == Decimal("96")
    assert moved.status == OrderStatus.TRIGGER_PENDING
    done = await client.cancel_order(ack.broker_order_id)
    assert done.status == OrderStatus.CANCELLED
    with pytest.raises(OrderRejected) as err:
        await client.cancel_order(ack.broker_order_id)
    assert err.value.code == "UDAPI100040"
