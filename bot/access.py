"""Own access control for the bot: configured Telegram ids only, refusals audited, politely."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.service import DeskService

REFUSAL_AUDIT_EVERY = timedelta(minutes=10)
REFUSAL = "Sorry, this is a private trading desk. Your attempt was logged."


@dataclass
class BotState:
    """What every handler needs, kept in `application.bot_data["desk"]`."""

    desk: DeskService
    secret: bytes
    allowed: dict[int, set[int]]
    refusals_audited: dict[int, datetime] = field(default_factory=dict)


def state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.application.bot_data["desk"]  # type: ignore[no-any-return]


def _what(update: Update) -> str:
    if update.callback_query is not None:
        return f"button {update.callback_query.data or ''}"[:100]
    msg = update.effective_message
    return (msg.text or "(non-text message)")[:100] if msg else "(no message)"


async def authorise(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any | None:
    """Return the caller's principal, or refuse (reply + audit) and return None."""
    st = state(context)
    user = update.effective_user
    principal = None
    if user is not None and user.id in st.allowed:
        principal = st.desk.principal_for_tg(user.id)
    if principal is not None:
        return principal
    tg_id = user.id if user else 0
    now = st.desk.clock.now()
    last = st.refusals_audited.get(tg_id)
    if last is None or now - last >= REFUSAL_AUDIT_EVERY:
        st.desk.record_refusal(tg_id, _what(update))  # once per stranger per window: no flooding
        st.refusals_audited[tg_id] = now
    if update.callback_query is not None:
        await update.callback_query.answer(REFUSAL, show_alert=True)
    elif update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, REFUSAL)
    return None
