"""The real python-telegram-bot Application against the loopback fake Bot API, end to end."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.desk_facade import DeskFacade
from bot.app import build_application
from core.enums import CapitalTxnType
from store.db import transaction
from store.models import Account, AuditLogRow, OrderRow
from tests.factories import make_card
from tests.integration.bot.conftest import OWNER_TG, SECRET, STRANGER_TG
from tools.broker.paper import PaperBroker
from tools.execution.manager import OrderManager
from tools.treasury.ledger import Ledger, balances

INTAKE_ANSWERS = [
    "Kids education",
    "grow steadily, balanced",
    "SIP 20k monthly for 36 months",
    "3 to 15 days",
    "low",
    "realty",
    "momentum, mean reversion",
    "every trade",
]


def _is_card_message(call, card_id):
    markup = call.params.get("reply_markup") or {}
    return (
        call.method == "sendMessage"
        and f"#{card_id}</b>" in call.params.get("text", "")
        and "inline_keyboard" in markup
    )


async def _card_message(rig, clock, account=0, **over):
    with transaction(rig.desk.db.sessions) as s:
        card = make_card(s, clock, rig.desk.accounts[account], **over)
    mark = rig.tg.mark()
    await rig.desk.facade.review_card(card.id)
    call = await rig.tg.await_call(lambda c: _is_card_message(c, card.id), after=mark)
    again = await rig.desk.facade.review_card(card.id)  # a retried hand-over: no second message
    assert again["__interrupt__"][0].value["object_id"] == card.id
    return card, call


async def _tap(rig, call, index, user=OWNER_TG, data=None, row=0):
    button = call.params["reply_markup"]["inline_keyboard"][row][index]
    mark = rig.tg.mark()
    rig.tg.push_callback(user, data or button["callback_data"], message=call.result)
    return await rig.tg.await_call(lambda c: c.method == "answerCallbackQuery", after=mark)


async def test_intake_conversation_saves_a_mandate(rig):
    first = await rig.say("/newaccount")
    assert "1/8" in first.params["text"]
    bad = await rig.say("Kids education")
    assert "2/8" in bad.params["text"]
    retry = await rig.say("no idea")
    assert "For example" in retry.params["text"]
    for answer in INTAKE_ANSWERS[1:]:
        reply = await rig.say(answer)
    assert "Summary" in reply.params["text"]
    assert "Assumed" in reply.params["text"]
    done = await rig.say("yes")
    assert "Saved account" in done.params["text"]
    with rig.desk.db.sessions() as s:
        acc = s.scalar(select(Account).where(Account.name == "Kids education"))
    assert acc is not None
    assert acc.account_type == "SIP"


async def test_card_approved_with_a_button(rig, clock):
    card, call = await _card_message(rig, clock)
    assert len([c for c in rig.tg.sent("sendMessage") if _is_card_message(c, card.id)]) == 1
    answer = await _tap(rig, call, 0)
    assert answer.params.get("text") == "Approved."
    edit = await rig.tg.await_call(lambda c: c.method == "editMessageText")
    assert "Approved" in edit.params["text"]
    assert rig.desk.executed == [card.id]
    demo = rig.desk.facade.principal_for("demo")
    assert rig.desk.facade.card(demo, card.id)["status"] == "APPROVED"


async def test_double_tap_approves_once(rig, clock):
    card, call = await _card_message(rig, clock)
    await _tap(rig, call, 0)
    second = await _tap(rig, call, 0)
    assert "already APPROVED" in second.params["text"]
    assert rig.desk.executed == [card.id]


async def test_forged_button_changes_nothing(rig, clock):
    card, call = await _card_message(rig, clock)
    real = call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    answer = await _tap(rig, call, 0, data=forged)
    assert "signature" in answer.params["text"]
    other = real.replace(f"ca:{card.id}:", f"ca:{card.id + 1000}:")
    missing = await _tap(rig, call, 0, data=other)
    assert "does not exist" in missing.params["text"]
    assert rig.desk.executed == []


async def test_expired_button_changes_nothing(rig, clock):
    _card, call = await _card_message(rig, clock)
    clock.advance(minutes=61)
    answer = await _tap(rig, call, 0)
    assert "expired" in answer.params["text"]
    assert rig.desk.executed == []


async def test_reject_asks_for_a_reason(rig, clock):
    card, call = await _card_message(rig, clock)
    await _tap(rig, call, 1)
    ask = await rig.tg.await_call(
        lambda c: c.method == "sendMessage" and "Why reject" in c.params["text"]
    )
    assert f"#{card.id}" in ask.params["text"]
    mark = rig.tg.mark()
    done = await rig.say("earnings next week")
    assert "rejected" in done.params["text"]
    edit = await rig.tg.await_call(lambda c: c.method == "editMessageText", after=mark)
    assert int(edit.params["message_id"]) == call.result["message_id"]
    assert "Rejected" in edit.params["text"]
    demo = rig.desk.facade.principal_for("demo")
    assert rig.desk.facade.card(demo, card.id)["rejection_reason"] == "earnings next week"


async def test_stranger_is_refused_and_audited_once_per_window(rig, clock):
    reply = await rig.say("/cards", user=STRANGER_TG)
    assert "private" in reply.params["text"]
    assert "private" in (await rig.say("/kill 1", user=STRANGER_TG)).params["text"]
    clock.advance(minutes=11)
    assert "private" in (await rig.say("hello", user=STRANGER_TG)).params["text"]
    with rig.desk.db.sessions() as s:
        rows = s.scalars(select(AuditLogRow).where(AuditLogRow.action_type == "ACCESS_REFUSED"))
        assert [r.payload["attempt"] for r in rows] == ["/cards", "hello"]


async def test_bad_input_never_kills_the_bot(rig):
    mark = rig.tg.mark()
    rig.tg.push_sticker(OWNER_TG)
    sticker = await rig.tg.await_call(lambda c: c.method == "sendMessage", after=mark)
    assert "only read text" in sticker.params["text"]
    assert "do not know" in (await rig.say("/frobnicate")).params["text"]
    assert "too long" in (await rig.say("x" * 3000)).params["text"]
    assert "Which card" in (await rig.say("/card abc")).params["text"]
    mark = rig.tg.mark()
    rig.tg.push_edited_message(OWNER_TG, "/kill 1")
    edit = await rig.tg.await_call(lambda c: c.method == "sendMessage", after=mark)
    assert "Edits are ignored" in edit.params["text"]
    assert "/accounts" in (await rig.say("/help")).params["text"]


async def test_commands_answer_with_data(rig, clock):
    with transaction(rig.desk.db.sessions) as s:
        card = make_card(s, clock, rig.desk.accounts[0])
    assert "SIP" in (await rig.say("/accounts")).params["text"]
    assert f"#{card.id}" in (await rig.say("/cards")).params["text"]
    detail = await rig.say(f"/card {card.id}")
    assert "INFY" in detail.params["text"]
    assert "inline_keyboard" in detail.params["reply_markup"]
    assert "No open positions" in (await rig.say("/positions")).params["text"]
    paused = await rig.say(f"/pause {rig.desk.accounts[0]}")
    assert "PAUSED" in paused.params["text"]
    kill = await rig.say(f"/kill {rig.desk.accounts[1]}")
    confirm = await _tap(rig, kill, 0)
    assert "Kill switch" in confirm.params["text"]
    assert "🛑" in (await rig.say("/risk")).params["text"]


async def test_approval_button_places_the_paper_order(rig, clock):
    broker = PaperBroker(clock)
    manager = OrderManager(rig.desk.db.sessions, broker, clock, rig.desk.facade.audit, None)
    rig.desk.facade.executor = manager.execute_card
    small = {
        "quantity": 3,
        "risk_amount": Decimal("135.00"),
        "reward_amount": Decimal("270.00"),
        "position_size_inr": Decimal("4500.00"),
    }
    card, call = await _card_message(rig, clock, **small)
    answer = await _tap(rig, call, 0)
    assert answer.params.get("text") == "Approved."
    edit = await rig.tg.await_call(lambda c: c.method == "editMessageText")
    assert "orders sent" in edit.params["text"], edit.params["text"]
    with rig.desk.db.sessions() as s:
        orders = s.scalars(select(OrderRow).where(OrderRow.trade_card_id == card.id)).all()
    assert [o.order_category for o in orders][:1] == ["ENTRY"]
    assert orders[0].quantity == card.quantity
    assert orders[0].client_order_id.startswith(f"D{card.id}")
    assert [o.broker_order_id for o in await broker.orders()] == [orders[0].broker_order_id]


async def test_transfer_proposal_approved_with_a_button(rig, clock):
    lender, borrower = rig.desk.accounts
    with transaction(rig.desk.db.sessions) as s:
        Ledger(clock, rig.desk.facade.audit).post(
            s, lender, CapitalTxnType.DEPOSIT, Decimal("50000"), reason="seed", reference="seed"
        )
    mark = rig.tg.mark()
    await rig.desk.facade.propose_transfer(
        "xfer:bot",
        {
            "from_account_id": lender,
            "to_account_id": borrower,
            "amount": "10000",
            "reason": "card short of cash",
        },
    )
    call = await rig.tg.await_call(
        lambda c: c.method == "sendMessage" and "Proposal" in c.params["text"], after=mark
    )
    assert "inline_keyboard" in call.params["reply_markup"]
    listed = await rig.say("/transfers")
    assert "10000" in listed.params["text"]
    answer = await _tap(rig, call, 0)
    assert "approved" in answer.params["text"]
    again = await _tap(rig, call, 0)
    assert "Nothing done" in again.params["text"]
    with rig.desk.db.sessions() as s:
        assert balances(s, borrower).available == Decimal("10000")


async def test_fewer_shares_button_approves_a_smaller_quantity(rig, clock):
    card, call = await _card_message(rig, clock)
    await _tap(rig, call, 0, row=1)
    ask = await rig.tg.await_call(
        lambda c: c.method == "sendMessage" and "How many shares" in c.params["text"]
    )
    assert f"1 to {card.quantity - 1}" in ask.params["text"]
    assert "whole number" in (await rig.say(str(card.quantity))).params["text"]
    done = await rig.say("5")
    assert "approved for 5" in done.params["text"]
    demo = rig.desk.facade.principal_for("demo")
    assert rig.desk.facade.card(demo, card.id)["approved_quantity"] == 5
    assert rig.desk.executed == [card.id]
    details = await _tap(rig, call, 1, row=1)
    assert details.params.get("text") is None  # details still answer (the card is unchanged)


async def test_intake_resumes_after_a_bot_restart(rig, clock):
    await rig.say("/newaccount")
    await rig.say("Tomorrow acct")
    await rig.app.updater.stop()
    await rig.app.stop()
    await rig.desk.facade.aclose()
    clock.advance(hours=20)  # the next day, a new process
    fresh = DeskFacade(
        rig.desk.db.sessions, clock, rig.desk.facade.audit, database_url=rig.desk.db.url
    )
    app = build_application(
        fresh,
        rig.tg.token,
        rig.tg.base_url,
        secret=SECRET,
        allowed={OWNER_TG: set(rig.desk.accounts)},
    )
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=1, poll_interval=0)
        again = await rig.say("/newaccount")
        assert "Picking up where we left off" in again.params["text"]
        assert "2/8" in again.params["text"]
        await app.updater.stop()
        await app.stop()
    await fresh.aclose()
    await rig.app.start()  # let the fixture stop what it started
    await rig.app.updater.start_polling(timeout=1, poll_interval=0)
