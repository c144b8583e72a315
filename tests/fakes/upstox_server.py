"""Loopback fake of the Upstox API (HTTP + WebSocket) on 127.0.0.1:0, for integration tests.

Same paths, envelopes, lower-case order statuses and error format (camelCase and snake_case) as
../shared/upstox_api.md; per-class rate limits (429 UDAPI10005) and token expiry at 03:30 IST
(401 UDAPI100050) on an injected clock; tick/lot/circuit validation; GTT MULTIPLE with OCO,
LIMIT-on-trigger and trailing_gap; a protobuf market-data feed v3 and a JSON portfolio stream.
Test controls: add_instrument, issue_token, set_price, fail_next, exhaust, drop_streams.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import threading
import time
from collections import defaultdict, deque
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from core.clock import IST, to_ist
from tests.fakes.upstox_exchange import Exchange, Instrument
from tools.broker.upstox.proto.feed_pb import FeedResponse

LIMITS = {"order": (10, 500, 2000), "standard": (50, 500, 2000)}
WINDOWS = (1, 60, 1800)
ORDER_PATHS = ("/order/place", "/order/modify", "/order/cancel", "/order/gtt")


def error(status: int, code: str, message: str) -> JSONResponse:
    item = {"errorCode": code, "message": message, "propertyPath": None, "invalidValue": None,
            "error_code": code, "property_path": None, "invalid_value": None}
    return JSONResponse({"status": "error", "errors": [item]}, status_code=status)


def ok(data: Any, latency: bool = False) -> JSONResponse:
    body: dict[str, Any] = {"status": "success", "data": data}
    if latency:
        body["metadata"] = {"latency": 12}
    return JSONResponse(body)


class FakeUpstox:
    """`with FakeUpstox(clock) as up:` starts the server; `up.base_url` is its root."""

    def __init__(self, clock: Any, *, api_key: str = "fake-key",
                 api_secret: str = "fake-secret",  # noqa: S107 - a fake's fixed credential
                 redirect_uri: str = "http://127.0.0.1/cb") -> None:
        self.clock = clock
        self.api_key, self.api_secret, self.redirect_uri = api_key, api_secret, redirect_uri
        self.ex = Exchange(clock)
        self.lock = threading.RLock()
        self.tokens: dict[str, datetime] = {}
        self.codes: dict[str, bool] = {}
        self.ws_codes: dict[str, str] = {}
        self.calls: list[tuple[str, str]] = []
        self._faults: dict[str, deque[Any]] = defaultdict(deque)
        self._hits: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._market: dict[WebSocket, dict[str, str]] = {}
        self._portfolio: set[WebSocket] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(self._app(), log_level="error", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    # --- lifecycle ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def _serve(self) -> None:
        # uvloop (shipped with uvicorn[standard]) answers loopback requests in well under a
        # millisecond; the plain asyncio loop here hits a ~40 ms delayed-ACK stall per request.
        try:
            import uvloop

            self._loop = uvloop.new_event_loop()
        except ImportError:  # pragma: no cover
            self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(self._server.serve(sockets=[self._sock]))

    def __enter__(self) -> FakeUpstox:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Upstox server did not start")
            time.sleep(0.005)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)

    # --- test controls -----------------------------------------------------------------------
    def reset(self, clock: Any) -> None:
        """Forget everything (orders, tokens, faults, limits) and run on a new clock; lets one
        server process serve many tests."""
        self.drop_streams()
        with self.lock:
            self.clock, self.ex = clock, Exchange(clock)
            self.tokens.clear()
            self.codes.clear()
            self.ws_codes.clear()
            self.calls.clear()
            self._faults.clear()
            self._hits.clear()

    def add_instrument(self, key: str, symbol: str, ltp: str | float, *, tick: str = "0.05",
                       lot: int = 1, lower: str | None = None, upper: str | None = None) -> None:
        with self.lock:
            self.ex.instruments[key] = Instrument(
                key, symbol, Decimal(str(ltp)), Decimal(tick), lot,
                Decimal(lower) if lower else None, Decimal(upper) if upper else None)

    def issue_token(self) -> str:
        """A token as the login flow would issue now (expires at the next 03:30 IST)."""
        from tools.broker.upstox.auth import token_expiry

        token = "eyJ" + secrets.token_urlsafe(24)
        self.tokens[token] = token_expiry(self.clock.now())
        return token

    def set_price(self, key: str, ltp: str | float) -> None:
        """Move the market: match orders and GTTs, push ticks and order updates."""
        with self.lock:
            self.ex.set_price(key, Decimal(str(ltp)))
        self._flush(keys=[key])

    def fail_next(self, path: str, *faults: int | float) -> None:
        """Script the next calls to `path`: an int answers with that HTTP status; a float
        processes the call normally but holds the response that many (wall) seconds."""
        self._faults[path].extend(faults)

    def exhaust(self, cls: str = "order") -> None:
        """Use up the per-second budget of a rate-limit class (another app hammering the API)."""
        now = self.clock.now().timestamp()
        for token in self.tokens:
            self._hits[(token, cls)].extend([now] * LIMITS[cls][0])

    def drop_streams(self) -> None:
        """Close every WebSocket from the server side (clients must reconnect)."""
        if self._loop is None:
            return
        sockets = [*self._market, *self._portfolio]
        for ws in sockets:
            asyncio.run_coroutine_threadsafe(ws.close(code=1011), self._loop)

    def place_count(self) -> int:
        return sum(1 for m, p in self.calls if m == "POST" and p == "/v3/order/place")

    # --- plumbing ----------------------------------------------------------------------------
    def _flush(self, keys: list[str] | None = None) -> None:
        with self.lock:
            events, self.ex.events = self.ex.events, []
            prices = {k: self.ex.instruments[k] for k in (keys or [])}
        if self._loop is None:
            return
        fut = asyncio.run_coroutine_threadsafe(self._push(events, prices), self._loop)
        fut.result(timeout=5)

    async def flush_here(self) -> None:
        """Push pending events from inside the server loop (route handlers)."""
        with self.lock:
            events, self.ex.events = self.ex.events, []
        await self._push(events, {})

    async def _push(self, events: list[tuple[str, dict[str, Any]]],
                    prices: dict[str, Instrument]) -> None:
        for kind, payload in events:
            msg = json.dumps({"update_type": kind, "user_id": "FAKE01", **payload})
            for ws in list(self._portfolio):
                try:
                    await ws.send_text(msg)
                except Exception:
                    self._portfolio.discard(ws)
        for ws, subs in list(self._market.items()):
            keys = [k for k in prices if k in subs]
            if keys:
                try:
                    await ws.send_bytes(self._feed(1, keys))
                except Exception:
                    self._market.pop(ws, None)

    def _feed(self, kind: int, keys: list[str]) -> bytes:
        msg = FeedResponse(type=kind, currentTs=int(self.clock.now().timestamp() * 1000))
        for key in keys:
            inst = self.ex.instruments[key]
            feed = msg.feeds[key]
            feed.ltpc.ltp = float(inst.ltp)
            feed.ltpc.ltt = int(self.clock.now().timestamp() * 1000)
            feed.ltpc.cp = float(inst.ltp)
        return msg.SerializeToString()

    def _auth(self, request: Request) -> tuple[str | None, Response | None]:
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ").strip()
        expiry = self.tokens.get(token)
        if expiry is None or self.clock.now() >= expiry:
            return None, error(401, "UDAPI100050", "Invalid token used to access API")
        return token, None

    def _limited(self, token: str, path: str) -> bool:
        cls = "order" if any(p in path for p in ORDER_PATHS) else "standard"
        hits = self._hits[(token, cls)]
        now = self.clock.now().timestamp()
        while hits and now - hits[0] >= WINDOWS[-1]:
            hits.popleft()
        for window, limit in zip(WINDOWS, LIMITS[cls], strict=True):
            if sum(1 for t in hits if now - t < window) >= limit:
                return True
        hits.append(now)
        return False

    async def _guard(self, request: Request) -> tuple[float, Response | None]:
        """Faults, auth and rate limits shared by every authenticated route."""
        path = request.url.path
        self.calls.append((request.method, path))
        fault = self._faults[path].popleft() if self._faults[path] else None
        if isinstance(fault, int):
            return 0.0, error(fault, "UDAPI100500", "Something went wrong, please try again")
        token, denied = self._auth(request)
        if denied is not None:
            return 0.0, denied
        assert token is not None
        if self._limited(token, path):
            return 0.0, error(429, "UDAPI10005", "Too Many Request Sent")
        return float(fault or 0.0), None

    def _app(self) -> Starlette:
        from tests.fakes import upstox_routes as r

        routes = [Route(path, r.bind(self, fn), methods=[m]) for m, path, fn in r.ROUTES]
        routes += [
            Route("/v2/login/authorization/dialog", self._dialog, methods=["GET"]),
            Route("/v2/login/authorization/token", self._token, methods=["POST"]),
            WebSocketRoute("/ws/market", self._ws_market),
            WebSocketRoute("/ws/portfolio", self._ws_portfolio),
        ]
        return Starlette(routes=routes)

    # --- login -------------------------------------------------------------------------------
    async def _dialog(self, request: Request) -> Response:
        q = request.query_params
        if q.get("client_id") != self.api_key or q.get("redirect_uri") != self.redirect_uri:
            return error(400, "UDAPI100068", "Check your 'client_id' and 'redirect_uri'")
        code = secrets.token_urlsafe(8)
        self.codes[code] = False
        query = urlencode({"code": code, "state": q.get("state", "")})
        return RedirectResponse(f"{self.redirect_uri}?{query}", status_code=302)

    async def _token(self, request: Request) -> Response:
        form = await request.form()
        code = str(form.get("code", ""))
        if form.get("client_id") != self.api_key or form.get("client_secret") != self.api_secret:
            return error(401, "UDAPI100016", "Invalid Credentials")
        if self.codes.get(code) is not False:
            return error(400, "UDAPI100057", "Invalid or already used authorization code")
        self.codes[code] = True
        token = self.issue_token()
        return JSONResponse({"email": "fake@example.com", "exchanges": ["NSE", "BSE"],
                             "products": ["I", "D"], "broker": "UPSTOX", "user_id": "FAKE01",
                             "user_name": "Fake User", "order_types": ["MARKET", "LIMIT"],
                             "user_type": "individual", "poa": False, "is_active": True,
                             "access_token": token, "extended_token": None})

    # --- websockets --------------------------------------------------------------------------
    def ws_url(self, kind: str) -> str:
        code = secrets.token_urlsafe(8)
        self.ws_codes[code] = kind
        return f"{self.base_url.replace('http', 'ws')}/ws/{kind}?requestId=1&code={code}"

    async def _ws_market(self, ws: WebSocket) -> None:
        if self.ws_codes.pop(ws.query_params.get("code", ""), None) != "market":
            await ws.close(code=1008)
            return
        await ws.accept()
        subs: dict[str, str] = {}
        self._market[ws] = subs
        info = FeedResponse(type=2, currentTs=int(self.clock.now().timestamp() * 1000))
        info.marketInfo.segmentStatus["NSE_EQ"] = 2
        await ws.send_bytes(info.SerializeToString())
        try:
            while True:
                raw = await ws.receive_bytes()
                req = json.loads(raw)
                keys = req.get("data", {}).get("instrumentKeys", [])
                if req.get("method") == "unsub":
                    for k in keys:
                        subs.pop(k, None)
                    continue
                known = [k for k in keys if k in self.ex.instruments]
                subs.update({k: req["data"].get("mode", "ltpc") for k in known})
                if known:
                    await ws.send_bytes(self._feed(0, known))
        except (WebSocketDisconnect, RuntimeError, KeyError):
            pass
        finally:
            self._market.pop(ws, None)

    async def _ws_portfolio(self, ws: WebSocket) -> None:
        if self.ws_codes.pop(ws.query_params.get("code", ""), None) != "portfolio":
            await ws.close(code=1008)
            return
        await ws.accept()
        self._portfolio.add(ws)
        try:
            while True:
                await ws.receive_text()
        except (WebSocketDisconnect, RuntimeError, KeyError):
            pass
        finally:
            self._portfolio.discard(ws)

    def funds_closed(self) -> bool:
        local = to_ist(self.clock.now())
        return local.time() < datetime(2000, 1, 1, 5, 30, tzinfo=IST).time()
