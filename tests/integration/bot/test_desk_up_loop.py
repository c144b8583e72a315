"""`desk up` runs the bot as a loop: built from Settings, polls the (fake) API, relays notices."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from app.desk_bot import push_daily_summary, telegram_loop
from bot.notify import RelayNotifier
from core.settings import Settings
from store.db import transaction
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.bot.conftest import OWNER_TG
from tests.integration.graphs.conftest import make_desk
from tools.accounts.access import sync_telegram_users


async def test_no_token_means_no_loop(db):
    assert telegram_loop(SimpleNamespace(settings=Settings(database_url=db.url))) is None


async def test_loop_serves_commands_and_relays_notices(db, clock):
    desk = await make_desk(db, clock)
    with transaction(db.sessions) as s:
        sync_telegram_users(s, desk.facade.audit, clock, {OWNER_TG: set(desk.accounts)})
    ids = ",".join(str(a) for a in desk.accounts)
    with FakeTelegramServer() as tg:
        settings = Settings(
            database_url=db.url,
            telegram_bot_token=tg.token,
            telegram_base_url=tg.base_url,
            telegram_allowed_ids=f"{OWNER_TG}:{ids}",
            secret_key="test-secret-key-long-enough-for-hmac-signing",
        )
        relay = RelayNotifier()
        container = SimpleNamespace(settings=settings, facade=desk.facade, notifier=relay)
        task = asyncio.create_task(telegram_loop(container)())
        tg.push_message(OWNER_TG, "/start")
        welcome = await tg.await_call(lambda c: c.method == "sendMessage")
        assert "Welcome" in welcome.params["text"]
        mark = tg.mark()
        await relay.notify("Filled 20 INFY @ 1500 <entry>", desk.accounts[0])
        fill = await tg.await_call(lambda c: c.method == "sendMessage", after=mark)
        assert "&lt;entry&gt;" in fill.params["text"]
        mark = tg.mark()
        assert await push_daily_summary(desk.facade, relay) == len(desk.accounts)
        summary = await tg.await_call(
            lambda c: c.method == "sendMessage" and "Daily summary" in c.params["text"], after=mark
        )
        assert "Pending cards 0" in summary.params["text"]
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    await relay.notify("after shutdown")
    assert relay.dropped == 1
    await desk.facade.aclose()
