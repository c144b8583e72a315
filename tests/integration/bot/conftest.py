"""Fixtures for bot tests: no real network, a fake Bot API, the real Application polling it."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.app import ALLOWED_UPDATES, build_application
from store.db import transaction
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.graphs.conftest import Desk, make_desk
from tools.accounts.access import sync_telegram_users

OWNER_TG = 111
STRANGER_TG = 999
SECRET = b"test-secret-key-for-buttons"
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def no_real_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection that is not to this machine."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else "unix"
        if host not in _LOOPBACK and self.family != socket.AF_UNIX:
            raise AssertionError(f"test tried a real network call to {host}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@dataclass
class BotRig:
    tg: FakeTelegramServer
    desk: Desk
    app: Any

    async def say(self, text: str, user: int = OWNER_TG) -> Any:
        """Send a message and return the bot's next sendMessage to that chat."""
        mark = self.tg.mark()
        self.tg.push_message(user, text)
        return await self.tg.await_call(
            lambda c: c.method == "sendMessage" and int(c.params["chat_id"]) == user, after=mark
        )


@pytest.fixture
async def rig(db: Any, clock: Any) -> AsyncIterator[BotRig]:
    desk = await make_desk(db, clock)
    with transaction(db.sessions) as s:
        sync_telegram_users(s, desk.facade.audit, clock, {OWNER_TG: set(desk.accounts)})
    allowed = {OWNER_TG: set(desk.accounts)}
    with FakeTelegramServer() as tg:
        app = build_application(
            desk.facade,
            tg.token,
            tg.base_url,
            secret=SECRET,
            allowed=allowed,
            base_file_url=tg.base_file_url,
        )
        async with app:
            await app.start()
            await app.updater.start_polling(
                timeout=1, poll_interval=0, allowed_updates=ALLOWED_UPDATES
            )
            yield BotRig(tg, desk, app)
            await app.updater.stop()
            await app.stop()
    await desk.facade.aclose()
