"""Own the Telegram Application: handlers in order, one error handler, notifier wiring."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.access import BotState
from bot.handlers import buttons, commands, conversation, errors
from bot.notify import TelegramNotifier
from bot.service import DeskService

COMMANDS = {
    "start": commands.start,
    "help": commands.help_,
    "accounts": commands.accounts,
    "cards": commands.cards,
    "card": commands.card,
    "positions": commands.positions,
    "risk": commands.risk,
    "pause": commands.pause,
    "resume": commands.resume,
    "kill": commands.kill,
    "report": commands.report,
    "transfers": commands.transfers,
    "newaccount": conversation.new_account,
    "cancel": conversation.cancel,
}


def _secret_bytes(secret: Any) -> bytes:
    raw = secret.get_secret_value() if hasattr(secret, "get_secret_value") else secret
    return raw if isinstance(raw, bytes) else str(raw).encode()


def build_application(
    desk: DeskService,
    token: str,
    base_url: str,
    *,
    secret: Any,
    allowed: dict[int, set[int]],
    base_file_url: str | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Build the bot on `base_url` (real API or the loopback fake); register the card notifier.

    `desk` is the service facade; `allowed` maps configured Telegram ids to accounts
    (Settings.telegram_access()); `secret` signs the buttons (Settings.secret_key).
    """
    builder = ApplicationBuilder().token(token).base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    application = builder.build()
    key = _secret_bytes(secret)
    application.bot_data["desk"] = BotState(desk, key, allowed)
    msg = filters.UpdateType.MESSAGE
    for name, handler in COMMANDS.items():
        application.add_handler(CommandHandler(name, handler, filters=msg))
    application.add_handler(CallbackQueryHandler(buttons.on_button))
    application.add_handler(MessageHandler(msg & filters.COMMAND, errors.unknown_command))
    application.add_handler(MessageHandler(msg & filters.TEXT, conversation.on_text))
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, errors.edited))
    application.add_handler(MessageHandler(msg & ~filters.TEXT, errors.unsupported))
    application.add_error_handler(errors.on_error)
    notifier = TelegramNotifier(application.bot, desk, key, allowed)
    application.bot_data["notifier"] = notifier
    desk.card_sinks.append(notifier.send_card)
    desk.proposal_sinks.append(notifier.send_proposal)
    return application


def notifier_of(application: Application[Any, Any, Any, Any, Any, Any]) -> TelegramNotifier:
    return application.bot_data["notifier"]  # type: ignore[no-any-return]


ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


async def serve(
    application: Application[Any, Any, Any, Any, Any, Any], stop: Any, poll_timeout_s: int = 10
) -> None:
    """Run the bot (long polling) inside the caller's event loop until `stop` (an asyncio.Event)
    is set; used by `desk up` beside the web app."""
    async with application:
        await application.start()
        assert application.updater is not None  # noqa: S101 - ApplicationBuilder always makes one
        await application.updater.start_polling(
            timeout=poll_timeout_s, allowed_updates=ALLOWED_UPDATES
        )
        try:
            await stop.wait()
        finally:
            await application.updater.stop()
            await application.stop()
