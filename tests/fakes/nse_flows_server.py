"""Loopback fake of NSE's FII/DII cash report (GET /api/fiidiiTradeReact) on 127.0.0.1:0.

Like nseindia.com it answers the API only to a client that first fetched a page and sent back
the `nsit` cookie it was given (403 otherwise). Failures can be queued with `fail_next(status)`.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

COOKIE = "nsit=fake-session-cookie"


class FakeNseFlowsServer:
    """Start with `with FakeNseFlowsServer(report) as srv:`; `srv.hits` counts API requests."""

    def __init__(self, report: list[dict[str, Any]]) -> None:
        self.report = report
        self.hits = 0
        self.page_hits = 0
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
        """Answer the next API requests with these HTTP statuses."""
        with self._lock:
            self._fail.extend(statuses)

    def __enter__(self) -> FakeNseFlowsServer:
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
                path = self.path.split("?")[0]
                if path == "/api/fiidiiTradeReact":
                    self._api()
                    return
                with server._lock:
                    server.page_hits += 1
                self._send(
                    200, b"<html>FII/DII</html>", "text/html", {"Set-Cookie": f"{COOKIE}; Path=/"}
                )

            def _api(self) -> None:
                with server._lock:
                    server.hits += 1
                    status = server._fail.popleft() if server._fail else 200
                if COOKIE not in (self.headers.get("Cookie") or ""):
                    self._send(403, b'{"error":"Resource not found"}', "application/json")
                    return
                if status != 200:
                    self._send(status, b"<html>error</html>", "text/html")
                    return
                self._send(200, json.dumps(server.report).encode(), "application/json")

            def _send(
                self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        return Handler
