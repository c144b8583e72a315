"""Loopback fake of Upstox `GET /v2/option/chain` (upstox_api.md §4.4) on 127.0.0.1:0.

Speaks the Upstox envelope: `{"status": "success", "data": [...]}` with one object per strike,
and errors as `{"status": "error", "errors": [{"errorCode": ..., "error_code": ..., ...}]}`.
A Bearer token is required (401 UDAPI100050 otherwise); failures can be queued.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ERRORS = {
    401: ("UDAPI100050", "Invalid token used to access API"),
    400: ("UDAPI1087", "Invalid instrument key"),
    429: ("UDAPI10005", "Too Many Request Sent"),
    500: ("UDAPI100500", "Something went wrong"),
}


def strike(
    strike_price: float,
    spot: float,
    call_oi: float,
    put_oi: float,
    call_iv: float,
    put_iv: float,
    expiry: str = "2025-12-23",
    underlying: str = "NSE_INDEX|Nifty 50",
) -> dict[str, Any]:
    """One per-strike object with the documented fields."""

    def side(oi: float, iv: float, kind: str) -> dict[str, Any]:
        return {
            "instrument_key": f"NSE_FO|{int(strike_price)}{kind}",
            "market_data": {
                "ltp": 10.0,
                "volume": 1000,
                "oi": oi,
                "close_price": 9.5,
                "bid_price": 9.9,
                "bid_qty": 75,
                "ask_price": 10.1,
                "ask_qty": 75,
                "prev_oi": oi * 0.9,
            },
            "option_greeks": {
                "vega": 5.1,
                "theta": -3.2,
                "gamma": 0.001,
                "delta": 0.5,
                "iv": iv,
                "pop": 48.0,
            },
        }

    return {
        "expiry": expiry,
        "pcr": put_oi / call_oi if call_oi else 0.0,
        "strike_price": strike_price,
        "underlying_key": underlying,
        "underlying_spot_price": spot,
        "call_options": side(call_oi, call_iv, "CE"),
        "put_options": side(put_oi, put_iv, "PE"),
    }


class FakeOptionChainServer:
    """`chains[(instrument_key, expiry)] = [strike(...), ...]`; `requests` keeps query strings."""

    def __init__(self, token: str = "test-token") -> None:  # noqa: S107 - a fake's own token
        self.token = token
        self.chains: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.requests: list[dict[str, list[str]]] = []
        self._fail: deque[int] = deque()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, *statuses: int) -> None:
        with self._lock:
            self._fail.extend(statuses)

    def __enter__(self) -> FakeOptionChainServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                with server._lock:
                    server.requests.append(query)
                    status = server._fail.popleft() if server._fail else 200
                if url.path != "/v2/option/chain":
                    self._error(404, "UDAPI10000", "This request is not supported")
                elif self.headers.get("Authorization") != f"Bearer {server.token}":
                    self._error(401, *ERRORS[401])
                elif status != 200:
                    self._error(status, *ERRORS.get(status, ("UDAPI100500", "error")))
                else:
                    self._chain(query)

            def _chain(self, query: dict[str, list[str]]) -> None:
                key = (query.get("instrument_key", [""])[0], query.get("expiry_date", [""])[0])
                if key not in server.chains:
                    self._error(400, *ERRORS[400])
                    return
                self._send(200, {"status": "success", "data": server.chains[key]})

            def _error(self, status: int, code: str, message: str) -> None:
                err = {
                    "errorCode": code,
                    "message": message,
                    "propertyPath": None,
                    "invalidValue": None,
                    "error_code": code,
                    "property_path": None,
                    "invalid_value": None,
                }
                self._send(status, {"status": "error", "errors": [err]})

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
