"""Upstox translation: statuses, error envelopes, token expiry, order bodies, protobuf feeds."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from core.clock import IST, to_ist
from core.domain import OrderRequest
from core.enums import OrderStatus, OrderType, Product, Side
from core.errors import (
    InsufficientFunds,
    NotFound,
    OrderRejected,
    TemporaryBrokerError,
    TokenExpired,
    ValidationError,
)
from tools.broker.upstox.auth import authorize_url, token_expiry
from tools.broker.upstox.parse import order_body, order_status, raise_for_error
from tools.broker.upstox.proto.feed_pb import FeedResponse
from tools.broker.upstox.ws import decode_feed


@pytest.mark.parametrize(("raw", "filled", "want"), [
    ("put order req received", 0, OrderStatus.SUBMITTED),
    ("validation pending", 0, OrderStatus.SUBMITTED),
    ("open", 0, OrderStatus.OPEN),
    ("open", 5, OrderStatus.PARTIALLY_FILLED),
    ("trigger pending", 0, OrderStatus.TRIGGER_PENDING),
    ("complete", 10, OrderStatus.FILLED),
    ("rejected", 0, OrderStatus.REJECTED),
    ("cancelled after market order", 0, OrderStatus.CANCELLED),
    ("after market order req received", 0, OrderStatus.SUBMITTED),
])
def test_status_map(raw: str, filled: int, want: OrderStatus) -> None:
    assert order_status(raw, filled) == want


def envelope(code: str, msg: str, camel: bool = True) -> dict[str, object]:
    key = "errorCode" if camel else "error_code"
    return {"status": "error", "errors": [{key: code, "message": msg}]}


@pytest.mark.parametrize(("status", "code", "exc"), [
    (429, "UDAPI10005", TemporaryBrokerError),
    (503, "UDAPI100500", TemporaryBrokerError),
    (401, "UDAPI100050", TokenExpired),
    (404, "UDAPI100010", NotFound),
    (400, "UDAPI1056", OrderRejected),
])
def test_errors_map_to_the_desk_tree(status: int, code: str, exc: type[Exception]) -> None:
    with pytest.raises(exc, match=code):
        raise_for_error(status, envelope(code, "x"))


def test_snake_case_error_code_and_funds_message() -> None:
    with pytest.raises(InsufficientFunds) as err:
        raise_for_error(400, envelope("UDAPI1", "You need to add Rs. 10 in your account",
                                      camel=False))
    assert err.value.code == "UDAPI1"


@pytest.mark.parametrize(("issued", "expires"), [
    (datetime(2025, 12, 16, 9, 15, tzinfo=IST), datetime(2025, 12, 17, 3, 30, tzinfo=IST)),
    (datetime(2025, 12, 16, 2, 30, tzinfo=IST), datetime(2025, 12, 16, 3, 30, tzinfo=IST)),
    (datetime(2025, 12, 16, 3, 30, tzinfo=IST), datetime(2025, 12, 17, 3, 30, tzinfo=IST)),
])
def test_token_expires_at_0330_ist(issued: datetime, expires: datetime) -> None:
    assert to_ist(token_expiry(issued)) == expires


def test_authorize_url() -> None:
    url = authorize_url("https://api.upstox.com", "KEY", "http://127.0.0.1:8000/cb", "s1")
    assert url.startswith("https://api.upstox.com/v2/login/authorization/dialog?")
    assert "client_id=KEY" in url
    assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A8000%2Fcb" in url


def test_order_body_uses_client_id_as_tag_and_protects_market_orders() -> None:
    req = OrderRequest("D1EN0x", "INFY", "NSE", Side.BUY, OrderType.MARKET, Product.DELIVERY, 5,
                       instrument_key="NSE_EQ|INE009A01021")
    body = order_body(req)
    assert body["tag"] == "D1EN0x"
    assert body["market_protection"] == -1
    assert body["slice"] is True
    with pytest.raises(ValidationError):
        order_body(OrderRequest("x", "INFY", "NSE", Side.BUY, OrderType.LIMIT, Product.DELIVERY,
                                5, price=Decimal(1)))


def test_protobuf_feed_round_trip() -> None:
    msg = FeedResponse(type=1, currentTs=1_765_856_700_000)
    msg.feeds["NSE_EQ|A"].ltpc.ltp = 101.5
    msg.feeds["NSE_EQ|A"].ltpc.ltt = 1_765_856_700_000
    ff = msg.feeds["NSE_EQ|B"].fullFeed.marketFF
    ff.ltpc.ltp, ff.vtt = 55.25, 1234
    quotes = {q.symbol: q for q in decode_feed(msg.SerializeToString(), {"NSE_EQ|A": "A"})}
    assert quotes["A"].last == 101.5
    assert quotes["A"].exchange == "NSE"
    assert (quotes["NSE_EQ|B"].last, quotes["NSE_EQ|B"].volume) == (55.25, 1234)
