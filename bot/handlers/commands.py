"""Own the slash commands: authorise → parse → facade → format → reply."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import formatting as fmt
from bot.access import authorise, state
from bot.handlers.common import int_arg, reply
from bot.keyboards import card_keyboard, kill_keyboard, transfer_keyboard
from core.errors import AccessDenied, DeskError, NotFound


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await authorise(update, context) is None:
        return
    await reply(update, context, "Welcome to your desk.\n\n" + fmt.HELP)


async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await authorise(update, context) is None:
        return
    await reply(update, context, fmt.HELP)


async def accounts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    p = await authorise(update, context)
    if p is None:
        return
    await reply(update, context, fmt.accounts(state(context).desk.accounts(p)))


async def cards(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    p = await authorise(update, context)
    if p is None:
        return
    account = int_arg(context)
    try:
        rows = state(context).desk.cards(p, account)
    except AccessDenied as exc:
        await reply(update, context, fmt.e(exc))
        return
    await reply(update, context, fmt.cards_list(rows))


async def card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    p = await authorise(update, context)
    if p is None:
        return
    card_id = int_arg(context)
    if card_id is None:
        await reply(update, context, "Which card? For example: /card 12")
        return
    st = state(context)
    try:
        c = st.desk.card(p, card_id)
    except (AccessDenied, NotFound) as exc:
        await reply(update, context, fmt.e(exc))
        return
    markup = card_keyboard(st.secret, c) if c.get("status") == "PENDING" else None
    await reply(update, context, fmt.card_details(c), markup)


async def positions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    p = await authorise(update, context)
    if p is None:
        return
    await reply(update, context, fmt.positions(state(context).desk.positions(p)))


async def risk(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    p = await authorise(update, context)
    if p is None:
        return
    await reply(update, context, fmt.risk(state(context).desk.risk(p)))


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    p = await authorise(update, context)
    if p is None:
        return
    await reply(update, context, fmt.report(state(context).desk.latest_report(p)))


async def transfers(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    p = await authorise(update, context)
    if p is None:
        return
    st = state(context)
    rows = st.desk.transfers(p)
    if not rows:
        await reply(update, context, "No pending transfers.")
        return
    for row in rows[:10]:
        req = st.desk.proposal_request(int(row["id"]))
        await reply(update, context, fmt.transfer(row), transfer_keyboard(st.secret, req))


async def _set_status(
    update: Update, context: ContextTypes.DEFAULT_TYPE, status: str, command: str
) -> None:
    p = await authorise(update, context)
    if p is None:
        return
    account = int_arg(context)
    if account is None:
        await reply(update, context, f"Which account? For example: /{command} 1")
        return
    try:
        view = state(context).desk.set_account_status(p, account, status)
    except DeskError as exc:
        await reply(update, context, fmt.e(exc))
        return
    await reply(update, context, f"Account #{view['id']} is now <b>{fmt.e(view['status'])}</b>.")


async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _set_status(update, context, "PAUSED", "pause")


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _set_status(update, context, "ACTIVE", "resume")


async def kill(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    p = await authorise(update, context)
    if p is None:
        return
    account = int_arg(context)
    if account is None:
        await reply(update, context, "Which account? For example: /kill 1")
        return
    if account not in p.approvable:
        await reply(update, context, f"You may not act for account {account}.")
        return
    st = state(context)
    markup = kill_keyboard(st.secret, account, p.user_id, st.desk.clock.now())
    await reply(
        update,
        context,
        f"🛑 Stop all new entries on account #{account} now?\nConfirm within 2 minutes.",
        markup,
    )
