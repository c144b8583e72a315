"""Own running the Telegram bot inside `desk up`: build the facade-backed Application from the
container's settings and hand the bot's notifier to the rest of the desk."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from app.desk_facade import DeskFacade
from bot.app import build_application, notifier_of, serve

log = logging.getLogger("desk.bot")


def telegram_loop(container: Any) -> Callable[[], Awaitable[None]] | None:
    """The Telegram bot as a `desk up` loop (DeskRuntime.add_loop), or None without a token.

    Uses `container.facade` when the runtime shares one (so cards made by the hot path reach the
    bot), and attaches the bot's notifier to `container.notifier` when that is a RelayNotifier.
    """
    settings = container.settings
    if settings.telegram_bot_token is None:
        return None

    # Settings refuse the development secret once a bot token is set (buttons are HMAC-signed).
    async def run() -> None:
        shared = getattr(container, "facade", None)
        facade = shared if isinstance(shared, DeskFacade) else DeskFacade.from_container(container)
        application = build_application(
            facade,
            settings.telegram_bot_token.get_secret_value(),
            settings.telegram_base_url,
            secret=settings.secret_key,
            allowed=settings.telegram_access(),
        )
        relay: Any = getattr(container, "notifier", None)
        if hasattr(relay, "attach"):
            relay.attach(notifier_of(application))
        try:
            await serve(application, asyncio.Event())
        finally:
            if hasattr(relay, "attach"):
                relay.attach(None)
            if facade is not shared:
                await facade.aclose()

    return run


async def push_daily_summary(facade: DeskFacade, notifier: Any) -> int:
    """Send each account's daily summary to its viewers (schedule it after the close, e.g. 16:05
    IST, with the RelayNotifier); returns how many summaries were handed over."""
    summaries = facade.daily_summaries()
    for account_id, text in summaries:
        await notifier.notify(text, account_id)
    return len(summaries)
