"""Loopback fake of the OpenAI Chat Completions API (POST /v1/chat/completions) on 127.0.0.1:0.

Speaks the real wire format, so langchain-openai's ChatOpenAI (and the openai client) can be
pointed at it with `base_url=server.base_url`. Replies are scripted: queue them with
`script(...)`, or give a `responder(request_json) -> str` used when the queue is empty. A reply
can also be a FakeReply with an HTTP status, a delay (to provoke client timeouts) or a tool call.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeReply:
    content: str | None = None
    status: int = 200
    delay_s: float = 0.0
    tool_name: str | None = None  # answer as a tool call with `content` as its JSON arguments


class FakeOpenAIServer:
    """Start with `with FakeOpenAIServer() as srv:`; `srv.requests` keeps every request body."""

    def __init__(self, responder: Callable[[dict[str, Any]], str] | None = None) -> None:
        self.responder = responder
        self.requests: list[dict[str, Any]] = []
        self._queue: deque[FakeReply] = deque()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *replies: str | FakeReply) -> None:
        """Queue replies, used in order before the responder."""
        with self._lock:
            for r in replies:
                self._queue.append(r if isinstance(r, FakeReply) else FakeReply(content=r))

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next_reply(self, body: dict[str, Any]) -> FakeReply:
        with self._lock:
            self.requests.append(body)
            if self._queue:
                return self._queue.popleft()
        if self.responder is None:
            return FakeReply(content="{}")
        return FakeReply(content=self.responder(body))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": f"unknown path {self.path}",
                                               "type": "invalid_request_error"}})
                    return
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    self._send(400, {"error": {"message": "invalid JSON body",
                                               "type": "invalid_request_error"}})
                    return
                reply = server._next_reply(body)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.status != 200:
                    self._send(reply.status, {"error": {"message": reply.content or "fake error",
                                                        "type": "server_error"}})
                    return
                self._send(200, _completion(body, reply))

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up (timeout test)

        return Handler


def _completion(body: dict[str, Any], reply: FakeReply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    finish = "stop"
    if reply.tool_name:
        message = {"role": "assistant", "content": None, "tool_calls": [{
            "id": f"call_{uuid.uuid4().hex[:12]}", "type": "function",
            "function": {"name": reply.tool_name, "arguments": reply.content or "{}"}}]}
        finish = "tool_calls"
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        "system_fingerprint": "fake",
    }
