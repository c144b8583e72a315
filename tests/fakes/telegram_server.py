"""Loopback fake of the Telegram Bot API on 127.0.0.1:0 (form-encoded `/bot<TOKEN>/<method>`).

Replies `{"ok": true, "result": ...}` like the real server. `getUpdates` long-polls an injectable
queue; `sendMessage` / `editMessageText` / `answerCallbackQuery` (and any other method) are
recorded in `calls`. Point python-telegram-bot at it with
`ApplicationBuilder().token(T).base_url(server.base_url).base_file_url(server.base_file_url)`.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_ID = 4242
MAX_POLL_S = 0.25
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Desk",
    "username": "desk_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any
    at: float = 0.0  # time.perf_counter() when the request arrived (latency measurements)


def _decode(params: dict[str, str]) -> dict[str, Any]:
    """PTB sends non-string values JSON-encoded inside the form; decode them back."""
    out: dict[str, Any] = {}
    for k, v in params.items():
        try:
            out[k] = json.loads(v)
        except (json.JSONDecodeError, TypeError):
            out[k] = v
    return out


class FakeTelegramServer:
    """`with FakeTelegramServer(token) as tg:`; inject with push_*; read `calls` or wait_for()."""

    def __init__(self, token: str = "123456:TEST-token") -> None:  # noqa: S107
        self.token = token
        self.calls: list[Call] = []
        self.wrong_token_requests = 0
        self._updates: list[dict[str, Any]] = []
        self._next_update = 1
        self._next_message = 1000
        self._cond = threading.Condition()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # --- lifecycle -----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def __enter__(self) -> FakeTelegramServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._cond.notify_all()
        self._httpd.shutdown()
        self._httpd.server_close()

    # --- injecting updates -----------------------------------------------------------------------
    def _user(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"U{user_id}"}

    def _push(self, update: dict[str, Any]) -> int:
        with self._cond:
            update["update_id"] = self._next_update
            self._next_update += 1
            self._updates.append(update)
            self._cond.notify_all()
            return int(update["update_id"])

    def _message(self, user_id: int, **fields: Any) -> dict[str, Any]:
        with self._cond:
            self._next_message += 1
            mid = self._next_message
        return {
            "message_id": mid,
            "date": int(time.time()),
            "from": self._user(user_id),
            "chat": {"id": user_id, "type": "private"},
            **fields,
        }

    def push_message(self, user_id: int, text: str) -> int:
        """A private text message from `user_id`; a leading /command gets its entity."""
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            fields["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return self._push({"message": self._message(user_id, **fields)})

    def push_sticker(self, user_id: int) -> int:
        sticker = {
            "file_id": "stk",
            "file_unique_id": "stku",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self._push({"message": self._message(user_id, sticker=sticker)})

    def push_edited_message(self, user_id: int, text: str) -> int:
        msg = self._message(user_id, text=text, edit_date=int(time.time()))
        return self._push({"edited_message": msg})

    def push_callback(self, user_id: int, data: str, message: dict[str, Any] | None = None) -> int:
        """A button press; `message` is the bot message the button belongs to."""
        msg = message or self._message(BOT_ID, text="(old message)")
        msg = {**msg, "chat": {"id": user_id, "type": "private"}}
        msg.setdefault("from", BOT_USER)
        cq = {
            "id": f"cq{self._next_update}",
            "from": self._user(user_id),
            "chat_instance": "ci",
            "data": data,
            "message": msg,
        }
        return self._push({"callback_query": cq})

    # --- reading what the bot did ----------------------------------------------------------------
    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        with self._cond:
            calls = list(self.calls)
        return [
            c
            for c in calls
            if (method is None or c.method == method)
            and (chat_id is None or int(c.params.get("chat_id", chat_id)) == chat_id)
        ]

    def wait_for(
        self, predicate: Callable[[Call], bool], timeout: float = 10.0, after: int = 0
    ) -> Call:
        """Block until a call (index >= after) matches; poll on a condition, never sleep."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for call in self.calls[after:]:
                    if predicate(call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    names = [c.method for c in self.calls[after:]]
                    raise AssertionError(f"no matching bot call within {timeout}s; saw {names}")
                self._cond.wait(remaining)

    async def await_call(
        self, predicate: Callable[[Call], bool], after: int = 0, limit_s: float = 10.0
    ) -> Call:
        """wait_for() from async code: blocks a worker thread, never the event loop."""
        return await asyncio.to_thread(self.wait_for, predicate, limit_s, after)

    def mark(self) -> int:
        """Index to pass as `after=` so wait_for only looks at calls made from now on."""
        with self._cond:
            return len(self.calls)

    # --- the API -------------------------------------------------------------------------------
    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        # Held at most 0.25 s (real servers hold up to `timeout`): a stopping bot is never kept
        # waiting for an idle long poll, which keeps test teardown fast.
        timeout = min(float(params.get("timeout") or 0), MAX_POLL_S)
        deadline = time.monotonic() + timeout
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            return list(self._updates[:100])

    def _new_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        with self._cond:
            self._next_message += 1
            mid = self._next_message
        msg: dict[str, Any] = {
            "message_id": mid,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private"},
            "text": str(params.get("text", "")),
        }
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        return msg

    def _edited(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if "chat_id" not in params:
            return True
        msg = self._new_message(params)
        msg["message_id"] = int(params.get("message_id", msg["message_id"]))
        return msg

    def dispatch(self, method: str, params: dict[str, Any]) -> Any:
        at = time.perf_counter()
        handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": lambda p: BOT_USER,
            "getUpdates": self._get_updates,
            "sendMessage": self._new_message,
            "editMessageText": self._edited,
            "editMessageReplyMarkup": self._edited,
        }
        result = handlers.get(method, lambda p: True)(params)
        if method != "getUpdates":
            with self._cond:
                self.calls.append(Call(method, params, result, at))
                self._cond.notify_all()
        return result

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                try:
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the bot stopped polling mid long-poll; nothing to deliver

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                prefix = f"/bot{server.token}/"
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode()
                if not path.startswith(prefix):
                    server.wrong_token_requests += 1
                    self._reply(
                        401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                    )
                    return
                params = _decode(dict(parse_qsl(raw, keep_blank_values=True)))
                method = path[len(prefix) :]
                self._reply(200, {"ok": True, "result": server.dispatch(method, params)})

            do_GET = do_POST

        return Handler
