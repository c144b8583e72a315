"""Own inline-button presses: verify the signed token against the object as it is now, then act
once. Every query is answered first-class (with the reason when nothing was done)."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import formatting as fmt
from bot.access import BotState, authorise, state
from bot.callbacks import ButtonToken, TokenError, parse, verify
from bot.handlers.common import reply
from bot.keyboards import kill_hash
from core.errors import AccessDenied, DeskError, NotFound

PENDING_REJECT = "pending_reject"
PENDING_REDUCE = "pending_reduce"


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    p = await authorise(update, context)
    if p is None:
        return
    st = state(context)
    try:
        token = parse(query.data or "")
        current = _current_hash(st, p, token)
        token = verify(st.secret, query.data or "", current, st.desk.clock.now())
    except TokenError as exc:
        await query.answer(exc.reason, show_alert=True)
        return
    except (AccessDenied, NotFound) as exc:
        await query.answer(str(exc), show_alert=True)
        return
    await _ACTIONS[token.action](update, query, context, p, token, current)


def _current_hash(st: BotState, p: Any, token: ButtonToken) -> str:
    if token.action.startswith("c"):
        return str(st.desk.card(p, token.object_id)["card_hash"])
    if token.action.startswith("t"):
        req = st.desk.proposal_request(token.object_id)
        if req["account_id"] not in p.visible:
            raise AccessDenied(f"you do not have access to proposal {token.object_id}")
        return str(req["content_hash"])
    return kill_hash(token.object_id, p.user_id)


async def _close(query: CallbackQuery, outcome: str, base_html: str | None = None) -> None:
    """Replace the message with `base_html` (else its own plain text) plus the outcome, and drop
    the buttons so they cannot be pressed again."""
    msg = query.message
    base = base_html if base_html is not None else fmt.e(getattr(msg, "text", "") or "")
    await query.edit_message_text(
        fmt.clip(f"{base}\n\n{outcome}"), parse_mode=ParseMode.HTML, reply_markup=None
    )


async def _approve_card(
    update: Update,
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    p: Any,
    token: ButtonToken,
    current: str,
) -> None:
    res = await state(context).desk.decide_card(
        p, token.object_id, "approve", current, via="telegram"
    )
    if not res.get("ok"):
        await query.answer(f"Nothing done: {res.get('message')}", show_alert=True)
        return
    await query.answer("Approved.")
    execution = res.get("execution") or {}
    sent = "orders sent" if execution.get("ok") else f"not sent: {execution.get('message')}"
    card = state(context).desk.card(p, token.object_id)
    await _close(
        query,
        f"✅ <b>Approved</b> by {fmt.e(p.username)}; {fmt.e(sent)}",
        fmt.card_message(card, "Card"),
    )


def _await_reply(
    context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, key: str, token: ButtonToken,
    current: str, **extra: Any,
) -> None:
    """Remember which card the user's next message answers (a reason or a quantity); a new
    question replaces the other pending one."""
    msg = query.message
    for pending in (PENDING_REJECT, PENDING_REDUCE):
        context.user_data.pop(pending, None)  # type: ignore[union-attr]
    context.user_data[key] = {  # type: ignore[index]
        "card_id": token.object_id,
        "hash": current,
        "chat_id": msg.chat.id if msg else None,
        "message_id": msg.message_id if msg else None,
        **extra,
    }


async def _reject_card(
    update: Update,
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    p: Any,
    token: ButtonToken,
    current: str,
) -> None:
    _await_reply(context, query, PENDING_REJECT, token, current)
    await query.answer("Send the reason.")
    await reply(
        update,
        context,
        f"Why reject card #{token.object_id}? Reply with a short reason, or /cancel.",
    )


async def _reduce_card(
    update: Update,
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    p: Any,
    token: ButtonToken,
    current: str,
) -> None:
    qty = int(state(context).desk.card(p, token.object_id)["quantity"])
    if qty < 2:
        await query.answer("This card is for 1 share; approve or reject it.", show_alert=True)
        return
    _await_reply(context, query, PENDING_REDUCE, token, current, max=qty - 1)
    await query.answer("Send the quantity.")
    await reply(
        update,
        context,
        f"How many shares for card #{token.object_id} (1 to {qty - 1})? Or /cancel.",
    )


async def _details(
    update: Update,
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    p: Any,
    token: ButtonToken,
    current: str,
) -> None:
    await query.answer()
    await reply(update, context, fmt.card_details(state(context).desk.card(p, token.object_id)))


async def _transfer(
    update: Update,
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    p: Any,
    token: ButtonToken,
    current: str,
) -> None:
    action = "approve" if token.action == "ta" else "reject"
    try:
        res = await state(context).desk.decide_transfer(
            p, token.object_id, action, current, reason=f"{action} via Telegram", via="telegram"
        )
    except DeskError as exc:
        res = {"ok": False, "message": str(exc)}
    if not res.get("ok"):
        await query.answer(f"Nothing done: {res.get('message')}", show_alert=True)
        return
    await query.answer(f"Proposal {res.get('status', '').lower()}.")
    await _close(query, f"<b>{fmt.e(res.get('status'))}</b> by {fmt.e(p.username)}")


async def _kill(
    update: Update,
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    p: Any,
    token: ButtonToken,
    current: str,
) -> None:
    if token.action == "kn":
        await query.answer("Cancelled.")
        await _close(query, "Kill cancelled; nothing changed.")
        return
    try:
        state(context).desk.kill(p, token.object_id, f"manual kill via Telegram by {p.username}")
    except DeskError as exc:
        await query.answer(f"Nothing done: {exc}", show_alert=True)
        return
    await query.answer("Kill switch triggered.")
    await _close(query, f"🛑 <b>Kill switch on</b> for account #{token.object_id}.")


_ACTIONS = {
    "ca": _approve_card,
    "cr": _reject_card,
    "cd": _details,
    "cq": _reduce_card,
    "ta": _transfer,
    "tr": _transfer,
    "kk": _kill,
    "kn": _kill,
}
