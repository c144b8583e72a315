"""Own the helpers every handler shares: replying in HTML and parsing small arguments."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes


async def reply(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    **kw: Any,
) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_message(
        chat.id,
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        disable_web_page_preview=True,
        **kw,
    )


def int_arg(context: ContextTypes.DEFAULT_TYPE, index: int = 0) -> int | None:
    """The index-th command argument as a positive int, or None when absent or not a number."""
    args = context.args or []
    if len(args) <= index:
        return None
    raw = args[index].lstrip("#")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None
