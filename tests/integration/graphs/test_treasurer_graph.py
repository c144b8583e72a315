"""The treasurer graph: a transfer proposal waits for a human, then money moves exactly once."""

from __future__ import annotations

from decimal import Decimal

from core.enums import CapitalTxnType
from store.db import transaction
from tools.treasury.ledger import Ledger, balances


def _fund(desk, clock, account, amount):
    with transaction(desk.db.sessions) as s:
        ledger = Ledger(clock, desk.facade.audit)
        ledger.post(
            s,
            account,
            CapitalTxnType.DEPOSIT,
            Decimal(amount),
            user="test",
            reason="seed",
            reference=f"seed:{account}",
        )


async def test_transfer_waits_then_moves_once(desk, clock):
    lender, borrower = desk.accounts
    _fund(desk, clock, lender, "100000")
    sent = []
    desk.facade.proposal_sinks.append(lambda req: _collect(sent, req))
    out = await desk.facade.propose_transfer(
        "xfer:1",
        {
            "from_account_id": lender,
            "to_account_id": borrower,
            "amount": "25000",
            "reason": "INFY card short of cash",
        },
    )
    req = out["__interrupt__"][0].value
    assert req["kind"] == "transfer"
    assert "Lend ₹25000" in req["summary"]
    assert sent == [req["object_id"]]
    demo = desk.facade.principal_for("demo")
    forged = await desk.facade.decide_transfer(demo, req["object_id"], "approve", "f" * 64)
    assert not forged["ok"]
    ok = await desk.facade.decide_transfer(demo, req["object_id"], "approve", req["content_hash"])
    assert ok["status"] == "APPROVED"
    again = await desk.facade.decide_transfer(
        demo, req["object_id"], "approve", req["content_hash"]
    )
    assert not again["ok"]
    with desk.db.sessions() as s:
        assert balances(s, borrower).available == Decimal("25000")


async def _collect(sent, req):
    sent.append(req["object_id"])
