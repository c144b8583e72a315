"""Brackets as one multi-leg GTT on the fake Upstox: entry, OCO, trailing, stuck legs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.clock import FakeClock
from core.enums import Product, Side
from core.errors import OrderRejected
from tests.fakes.upstox_server import FakeUpstox
from tools.broker.upstox.gtt import BracketSpec, bracket_body, rule, stuck_legs
from tools.broker.upstox.http import UpstoxBroker

from .conftest import INFY


def spec(**kw: object) -> BracketSpec:
    values: dict[str, object] = {
        "symbol": "INFY", "instrument_key": INFY, "side": Side.BUY,
        "product": Product.DELIVERY, "quantity": 10,
        "entry_price": Decimal("100"), "stop_loss": Decimal("95"), "take_profit": Decimal("110")}
    values.update(kw)
    return BracketSpec(**values)  # type: ignore[arg-type]


async def statuses(client: UpstoxBroker, gid: str) -> dict[str, str]:
    gtts = await client.gtts(gid)
    return {r.strategy: r.status or "" for r in gtts[0].rules} if gtts else {}


async def test_bracket_entry_then_stop_hit_cancels_target(upstox: FakeUpstox,
                                                          client: UpstoxBroker) -> None:
    gid = await client.place_gtt(bracket_body(spec()))
    assert gid.startswith("GTT-")
    assert await statuses(client, gid) == {"ENTRY": "COMPLETED", "TARGET": "SCHEDULED",
                                           "STOPLOSS": "SCHEDULED"}
    assert (await client.positions())[0].quantity == 10
    upstox.set_price(INFY, "95")
    assert await client.gtts(gid) == []  # finished GTTs are not returned
    orders = await client.orders()
    sells = [o for o in orders if o.side == Side.SELL]
    assert [(o.average_price, o.raw["order_ref_id"]) for o in sells] == [(Decimal("95"), gid)]
    assert (await client.positions())[0].quantity == 0


async def test_bracket_target_hit(upstox: FakeUpstox, client: UpstoxBroker) -> None:
    gid = await client.place_gtt(bracket_body(spec()))
    upstox.set_price(INFY, "110.5")
    assert await client.gtts(gid) == []
    trades = await client.trades()
    assert [(t.side, t.price) for t in trades] == [(Side.BUY, Decimal("100")),
                                                   (Side.SELL, Decimal("110"))]


async def test_trailing_gap_ratchets_the_stop(upstox: FakeUpstox, client: UpstoxBroker) -> None:
    gid = await client.place_gtt(bracket_body(spec(trailing_gap=Decimal("3"),
                                                   take_profit=Decimal("119"))))
    upstox.set_price(INFY, "106")
    stop = rule((await client.gtts(gid))[0], "STOPLOSS")
    assert stop is not None
    assert stop.trigger_price == 103.0
    upstox.set_price(INFY, "104")
    stop = rule((await client.gtts(gid))[0], "STOPLOSS")
    assert stop is not None
    assert stop.trigger_price == 103.0  # never loosens
    upstox.set_price(INFY, "103")
    assert await client.gtts(gid) == []
    sells = [t for t in await client.trades() if t.side == Side.SELL]
    assert sells[0].price == Decimal("103")


async def test_triggered_stop_resting_as_limit_is_detected(upstox: FakeUpstox,
                                                           client: UpstoxBroker,
                                                           clock: FakeClock) -> None:
    gid = await client.place_gtt(bracket_body(spec()))
    upstox.set_price(INFY, "93")  # gaps through 95: the LIMIT sell at 95 cannot fill
    gtt = (await client.gtts(gid))[0]
    assert rule(gtt, "STOPLOSS").status == "TRIGGERED"  # type: ignore[union-attr]
    orders = {o.broker_order_id: o for o in await client.orders()}
    assert stuck_legs(gtt, orders, Decimal("93"), clock.now()) == []  # within the grace
    clock.advance(6)
    stuck = stuck_legs(gtt, orders, Decimal("93"), clock.now())
    assert [r.strategy for r in stuck] == ["STOPLOSS"]
    await client.cancel_gtt(gid)
    assert await client.gtts(gid) == []
    leg = await client.order(stuck[0].order_id or "")
    assert leg.status.value == "CANCELLED"


async def test_gtt_outside_circuit_is_rejected(client: UpstoxBroker) -> None:
    with pytest.raises(OrderRejected) as err:
        await client.place_gtt(bracket_body(spec(stop_loss=Decimal("75"))))
    assert err.value.code == "UDAPI100036"
    assert "circuit" in str(err.value)


async def test_modify_gtt_moves_the_stop(upstox: FakeUpstox, client: UpstoxBroker) -> None:
    gid = await client.place_gtt(bracket_body(spec()))
    await client.modify_gtt({"type": "MULTIPLE", "quantity": 10, "gtt_order_id": gid,
                             "rules": [{"strategy": "STOPLOSS", "trigger_type": "IMMEDIATE",
                                        "trigger_price": 98}]})
    stop = rule((await client.gtts(gid))[0], "STOPLOSS")
    assert stop is not None
    assert stop.trigger_price == 98.0
