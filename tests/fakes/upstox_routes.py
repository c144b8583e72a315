"""REST routes of the fake Upstox server (see upstox_server.py): orders, GTT, portfolio, feeds."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from tests.fakes.upstox_exchange import FINAL_ORDER

if TYPE_CHECKING:
    from tests.fakes.upstox_server import FakeUpstox

Handler = Callable[["FakeUpstox", Request, Any], Response]


def bind(server: FakeUpstox, fn: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        delay, denied = await server._guard(request)
        if denied is not None:
            return denied
        raw = await request.body()
        body = json.loads(raw) if raw else None
        with server.lock:
            response = fn(server, request, body)
        await server.flush_here()
        if delay:
            await asyncio.sleep(delay)  # processed, but the answer comes late (client timeout)
        return response

    return endpoint


def _ok(data: Any, latency: bool = False) -> Response:
    from tests.fakes.upstox_server import ok

    return ok(data, latency)


def _err(status: int, code: str, message: str) -> Response:
    from tests.fakes.upstox_server import error

    return error(status, code, message)


def place(srv: FakeUpstox, _r: Request, body: Any) -> Response:
    problem = srv.ex.validate(body or {})
    if problem:
        return _err(400, *problem)
    return _ok({"order_ids": [srv.ex.place(body)]}, latency=True)


def _known(srv: FakeUpstox, oid: str | None) -> Response | None:
    if not oid:
        return _err(400, "UDAPI1023", "Order id is required")
    if oid not in srv.ex.orders:
        return _err(404, "UDAPI100010", "Order not found")
    return None


def modify(srv: FakeUpstox, _r: Request, body: Any) -> Response:
    oid = (body or {}).get("order_id")
    bad = _known(srv, oid)
    if bad:
        return bad
    if srv.ex.orders[oid]["status"] in FINAL_ORDER:
        return _err(400, "UDAPI100040", "Order is already completed/cancelled/rejected")
    srv.ex.modify(oid, body)
    return _ok({"order_id": oid}, latency=True)


def cancel(srv: FakeUpstox, r: Request, _b: Any) -> Response:
    oid = r.query_params.get("order_id")
    bad = _known(srv, oid)
    if bad:
        return bad
    if srv.ex.orders[oid]["status"] in FINAL_ORDER:
        return _err(400, "UDAPI100040", "Order is already completed/cancelled/rejected")
    srv.ex.cancel(oid)
    return _ok({"order_id": oid}, latency=True)


def retrieve_all(srv: FakeUpstox, _r: Request, _b: Any) -> Response:
    return _ok(list(srv.ex.orders.values()))


def details(srv: FakeUpstox, r: Request, _b: Any) -> Response:
    oid = r.query_params.get("order_id")
    return _known(srv, oid) or _ok(srv.ex.orders[oid])


def history(srv: FakeUpstox, r: Request, _b: Any) -> Response:
    oid = r.query_params.get("order_id")
    return _known(srv, oid) or _ok(srv.ex.history[oid])


def trades_today(srv: FakeUpstox, _r: Request, _b: Any) -> Response:
    return _ok(list(srv.ex.trades))


def trades_of(srv: FakeUpstox, r: Request, _b: Any) -> Response:
    oid = r.query_params.get("order_id")
    return _known(srv, oid) or _ok([t for t in srv.ex.trades if t["order_id"] == oid])


def positions(srv: FakeUpstox, _r: Request, _b: Any) -> Response:
    out = []
    for (key, product), pos in srv.ex.positions.items():
        inst = srv.ex.instruments[key]
        qty, avg = pos["quantity"], pos["average_price"]
        out.append({"exchange": key.split("_")[0], "multiplier": 1.0, "value": 0.0,
                    "pnl": float((inst.ltp - avg) * qty), "product": product,
                    "instrument_token": key, "average_price": float(avg), "quantity": qty,
                    "last_price": float(inst.ltp), "close_price": float(inst.ltp),
                    "unrealised": float((inst.ltp - avg) * qty), "realised": 0.0,
                    "trading_symbol": inst.symbol, "tradingsymbol": inst.symbol})
    return _ok(out)


def holdings(_srv: FakeUpstox, _r: Request, _b: Any) -> Response:
    return _ok([])


def funds(srv: FakeUpstox, _r: Request, _b: Any) -> Response:
    if srv.funds_closed():
        return _err(423, "UDAPI100072", "The Funds service is accessible from 5:30 AM to 12:00 AM")
    equity = {"used_margin": 0.0, "payin_amount": 0.0, "span_margin": 0.0,
              "adhoc_margin": 0.0, "notional_cash": 0.0, "available_margin": 1_000_000.0,
              "exposure_margin": 0.0}
    return _ok({"equity": equity, "commodity": dict(equity, available_margin=0.0)})


def gtt_place(srv: FakeUpstox, _r: Request, body: Any) -> Response:
    body = body or {}
    rules = body.get("rules") or []
    strategies = [r.get("strategy") for r in rules]
    if body.get("type") not in ("SINGLE", "MULTIPLE") or "ENTRY" not in strategies:
        return _err(400, "UDAPI100036", "Invalid GTT: type and an ENTRY rule are required")
    if len(rules) > 3 or len(set(strategies)) != len(strategies):
        return _err(400, "UDAPI100036", "Invalid GTT: at most one rule per strategy")
    inst = srv.ex.instruments.get(body.get("instrument_token", ""))
    if inst is None:
        return _err(400, "UDAPI1087", "Invalid instrument_token")
    for rule in rules:
        px = Decimal(str(rule.get("trigger_price", 0)))
        if (inst.lower and px < inst.lower) or (inst.upper and px > inst.upper):
            return _err(400, "UDAPI100036",
                        f"Trigger price {px} must be within the circuit limits")
    return _ok({"gtt_order_ids": [srv.ex.place_gtt(body)]}, latency=True)


def gtt_modify(srv: FakeUpstox, _r: Request, body: Any) -> Response:
    gid = (body or {}).get("gtt_order_id")
    if gid not in srv.ex.gtts:
        return _err(404, "UDAPI100010", "GTT order not found")
    srv.ex.modify_gtt(body)
    return _ok({"gtt_order_ids": [gid]}, latency=True)


def gtt_cancel(srv: FakeUpstox, _r: Request, body: Any) -> Response:
    gid = (body or {}).get("gtt_order_id")
    if gid not in srv.ex.gtts:
        return _err(404, "UDAPI100010", "GTT order not found")
    srv.ex.cancel_gtt(gid)
    return _ok({"gtt_order_ids": [gid]}, latency=True)


def gtt_get(srv: FakeUpstox, r: Request, _b: Any) -> Response:
    gid = r.query_params.get("gtt_order_id")
    live = srv.ex.live_gtts()
    return _ok([g for g in live if not gid or g["gtt_order_id"] == gid])


def market_authorize(srv: FakeUpstox, _r: Request, _b: Any) -> Response:
    url = srv.ws_url("market")
    return _ok({"authorized_redirect_uri": url, "authorizedRedirectUri": url})


def portfolio_authorize(srv: FakeUpstox, _r: Request, _b: Any) -> Response:
    url = srv.ws_url("portfolio")
    return _ok({"authorized_redirect_uri": url, "authorizedRedirectUri": url})


def ltp(srv: FakeUpstox, r: Request, _b: Any) -> Response:
    keys = [k for k in r.query_params.get("instrument_key", "").split(",") if k]
    out = {}
    for key in keys:
        inst = srv.ex.instruments.get(key)
        if inst is not None:
            out[f"NSE_EQ:{inst.symbol}"] = {"last_price": float(inst.ltp), "instrument_token": key,
                                            "ltq": 0, "volume": 0, "cp": float(inst.ltp)}
    return _ok(out)


def candles(srv: FakeUpstox, r: Request, _b: Any) -> Response:
    """v3 historical candles; tests load rows with `srv.candles[key] = [[ts, o, h, l, c, v, oi]]`
    (any order); served newest first within [from, to], as Upstox does."""
    p = r.path_params
    if (p["unit"], p["interval"]) != ("days", "1"):
        return _err(400, "UDAPI100036", "Invalid input: only days/1 in the fake")
    key = p["instrument_key"]
    lo, hi = p["from_date"], p["to_date"]
    rows = [row for row in getattr(srv, "candles", {}).get(key, []) if lo <= row[0][:10] <= hi]
    return _ok({"candles": sorted(rows, key=lambda row: row[0], reverse=True)})


ROUTES: list[tuple[str, str, Handler]] = [
    ("POST", "/v3/order/place", place),
    ("PUT", "/v3/order/modify", modify),
    ("DELETE", "/v3/order/cancel", cancel),
    ("GET", "/v2/order/retrieve-all", retrieve_all),
    ("GET", "/v2/order/details", details),
    ("GET", "/v2/order/history", history),
    ("GET", "/v2/order/trades/get-trades-for-day", trades_today),
    ("GET", "/v2/order/trades", trades_of),
    ("GET", "/v2/portfolio/short-term-positions", positions),
    ("GET", "/v2/portfolio/long-term-holdings", holdings),
    ("GET", "/v2/user/get-funds-and-margin", funds),
    ("POST", "/v3/order/gtt/place", gtt_place),
    ("PUT", "/v3/order/gtt/modify", gtt_modify),
    ("DELETE", "/v3/order/gtt/cancel", gtt_cancel),
    ("GET", "/v3/order/gtt", gtt_get),
    ("GET", "/v3/feed/market-data-feed/authorize", market_authorize),
    ("GET", "/v2/feed/portfolio-stream-feed/authorize", portfolio_authorize),
    ("GET", "/v3/market-quote/ltp", ltp),
    ("GET", "/v3/historical-candle/{instrument_key}/{unit}/{interval}/{to_date}/{from_date}",
     candles),
]
