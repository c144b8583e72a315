"""Own free text: the intake conversation (/newaccount), reject reasons, fewer-shares quantities
and /cancel."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import formatting as fmt
from bot.access import authorise, state
from bot.handlers.buttons import PENDING_REDUCE, PENDING_REJECT
from bot.handlers.common import reply
from core.errors import DeskError

MAX_TEXT = 1000
log = logging.getLogger("desk.bot")


async def new_account(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    p = await authorise(update, context)
    if p is None:
        return
    restart = bool(context.args) and context.args[0].lower() == "restart"  # type: ignore[index]
    step = await state(context).desk.intake_start(p, restart=restart)
    await reply(update, context, fmt.intake(step))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    p = await authorise(update, context)
    if p is None:
        return
    data = context.user_data if context.user_data is not None else {}
    if data.pop(PENDING_REJECT, None) or data.pop(PENDING_REDUCE, None):
        await reply(update, context, "Cancelled; the card is still pending.")
        return
    desk = state(context).desk
    if await desk.intake_pending(p) is not None:
        await reply(update, context, fmt.intake(await desk.intake_answer(p, "cancel")))
        return
    await reply(update, context, "Nothing to cancel.")


async def _reject_with_reason(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    p: object,
    pending: dict[str, object],
    reason: str,
) -> None:
    card_id = int(pending["card_id"])  # type: ignore[call-overload]
    res = await state(context).desk.decide_card(
        p, card_id, "reject", str(pending["hash"]), reason=reason, via="telegram"
    )
    if res.get("ok"):
        await reply(update, context, f"❌ Card #{card_id} rejected: {fmt.e(reason)}")
        await _retire_buttons(context, p, pending, card_id, f"❌ <b>Rejected</b>: {fmt.e(reason)}")
    else:
        await reply(update, context, f"Nothing done: {fmt.e(res.get('message'))}")


async def _reduce_to(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    p: object,
    data: dict[str, object],
    text: str,
) -> None:
    """Approve a pending 'fewer shares' request once a valid quantity arrives; else ask again."""
    pending: dict[str, object] = data[PENDING_REDUCE]  # type: ignore[assignment]
    top = int(pending["max"])  # type: ignore[call-overload]
    raw = text.strip().replace(",", "")
    if not raw.isdigit() or not 1 <= int(raw) <= top:
        await reply(update, context, f"Send a whole number from 1 to {top}, or /cancel.")
        return
    data.pop(PENDING_REDUCE, None)
    card_id, qty = int(pending["card_id"]), int(raw)  # type: ignore[call-overload]
    res = await state(context).desk.decide_card(
        p, card_id, "reduce", str(pending["hash"]), quantity=qty, via="telegram"
    )
    if not res.get("ok"):
        await reply(update, context, f"Nothing done: {fmt.e(res.get('message'))}")
        return
    execution = res.get("execution") or {}
    sent = "orders sent" if execution.get("ok") else f"not sent: {execution.get('message')}"
    await reply(update, context, f"✅ Card #{card_id} approved for {qty}; {fmt.e(sent)}")
    await _retire_buttons(context, p, pending, card_id, f"✅ <b>Approved for {qty}</b>")


async def _retire_buttons(
    context: ContextTypes.DEFAULT_TYPE,
    p: object,
    pending: dict[str, object],
    card_id: int,
    outcome: str,
) -> None:
    """Edit the card message a Reject / Fewer-shares button was on, so its buttons go away."""
    if not pending.get("chat_id") or not pending.get("message_id"):
        return
    card = state(context).desk.card(p, card_id)
    text = fmt.card_message(card, "Card") + f"\n\n{outcome}"
    try:
        await context.bot.edit_message_text(
            fmt.clip(text),
            chat_id=int(pending["chat_id"]),  # type: ignore[call-overload]
            message_id=int(pending["message_id"]),  # type: ignore[call-overload]
            parse_mode=ParseMode.HTML,
            reply_markup=None,
        )
    except TelegramError:
        log.warning("could not retire the buttons of card %s", card_id)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a plain message: a pending reject reason first, then a pending intake question."""
    p = await authorise(update, context)
    if p is None or update.effective_message is None:
        return
    text = (update.effective_message.text or "").strip()
    if len(text) > MAX_TEXT:
        await reply(update, context, f"That message is too long (over {MAX_TEXT} characters).")
        return
    data = context.user_data if context.user_data is not None else {}
    pending = data.pop(PENDING_REJECT, None)
    if pending:
        await _reject_with_reason(update, context, p, pending, text)
        return
    if data.get(PENDING_REDUCE):
        await _reduce_to(update, context, p, data, text)
        return
    desk = state(context).desk
    if await desk.intake_pending(p) is not None:
        try:
            step = await desk.intake_answer(p, text)
        except DeskError as exc:
            await reply(update, context, fmt.e(exc))
            return
        await reply(update, context, fmt.intake(step))
        return
    await reply(update, context, "I did not understand that. /help lists what I can do.")
