"""Own the bot's one error handler and the fallbacks for what it does not understand."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.access import authorise
from bot.handlers.common import reply

log = logging.getLogger("desk.bot")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure (type and update id only) and tell the user; never re-raise."""
    err = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("bot handler failed on update %s: %s", update_id, type(err).__name__, exc_info=err)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id, "Sorry, that failed on my side. Try again or /help."
            )
        except Exception:  # the transport itself may be what failed
            log.warning("could not tell the user about the failure")


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await authorise(update, context) is None:
        return
    await reply(update, context, "I do not know that command. /help lists them.")


async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice and the like."""
    if await authorise(update, context) is None:
        return
    await reply(update, context, "I only read text messages and commands. /help")


async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Edits are not re-processed (an approval must be a fresh act)."""
    if await authorise(update, context) is None:
        return
    await reply(update, context, "Edits are ignored; please send a new message.")
