"""Transfer proposals: approval moves money once, rejection and expiry move none, loans return."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core.enums import CapitalTxnType as T
from core.errors import Conflict, NotFound, ValidationError
from store.db import transaction
from store.models import PositionRow, TradeCardRow
from store.repos import treasury as repo
from tools.accounts.service import current_funding_plan
from tools.treasury.deployable import deployable_cash
from tools.treasury.fills import FillLedger
from tools.treasury.ledger import Ledger, balances
from tools.treasury.transfers import CashShortfall, TransferService


def _fund(s, clock, audit, acc, amount):
    Ledger(clock, audit).post(s, acc, T.DEPOSIT, Decimal(amount), reason="seed")


def test_approve_moves_money_once(db, clock, audit, demo_ids):
    sip, lump = demo_ids
    svc = TransferService(clock, audit)
    with pytest.raises(ValidationError, match="amount"), transaction(db.sessions) as s:
        svc.propose_transfer(s, sip, lump, Decimal("0"), reason="x")
    with pytest.raises(NotFound), transaction(db.sessions) as s:
        svc.propose_transfer(s, sip, 999, Decimal("1"), reason="x")
    with pytest.raises(NotFound), transaction(db.sessions) as s:
        svc.decide(s, 12345, approve=True, user="a")
    svc = TransferService(clock, audit)
    with transaction(db.sessions) as s:
        _fund(s, clock, audit, sip, "10000")
        p = svc.propose_transfer(s, sip, lump, Decimal("4000"), reason="test")
        assert balances(s, lump).available == 0
        done = svc.decide(s, p.id, approve=True, user="alice")
        with pytest.raises(Conflict, match="already APPROVED"):
            svc.decide(s, p.id, approve=True, user="alice")
        assert done.status == "APPROVED"
        assert done.decided_by == "alice"
        assert balances(s, sip).available == Decimal("6000.00")
        assert balances(s, lump).available == Decimal("4000.00")


def test_reject_and_expiry_move_nothing(db, clock, audit, demo_ids):
    sip, lump = demo_ids
    svc = TransferService(clock, audit)
    with transaction(db.sessions) as s:
        _fund(s, clock, audit, sip, "10000")
        p1 = svc.propose_transfer(s, sip, lump, Decimal("1000"), reason="a")
        p2 = svc.propose_transfer(s, sip, lump, Decimal("1000"), reason="b")
        svc.decide(s, p1.id, approve=False, user="alice", reason="not now")
    clock.advance(hours=25)
    with pytest.raises(Conflict, match="expired"), transaction(db.sessions) as s:
        svc.decide(s, p2.id, approve=True, user="alice")
    with transaction(db.sessions) as s:
        assert balances(s, sip).available == Decimal("10000.00")
        assert repo.proposal_row(s, p1.id).status == "REJECTED"


def test_approval_fails_cleanly_when_lender_spent_the_cash(db, clock, audit, demo_ids):
    sip, lump = demo_ids
    svc = TransferService(clock, audit)
    with transaction(db.sessions) as s:
        _fund(s, clock, audit, sip, "1000")
        p = svc.propose_transfer(s, sip, lump, Decimal("900"), reason="x")
        Ledger(clock, audit).post(s, sip, T.WITHDRAWAL, Decimal("500"), reason="out")
    with pytest.raises(Conflict, match="exceeds"), transaction(db.sessions) as s:
        svc.decide(s, p.id, approve=True, user="alice")
    with transaction(db.sessions) as s:
        assert repo.proposal_row(s, p.id).status == "PENDING"


def test_shortfall_proposes_from_idle_cash_and_auto_returns(db, clock, audit, demo_ids):
    sip, lump = demo_ids
    svc = TransferService(clock, audit)
    with transaction(db.sessions) as s:
        _fund(s, clock, audit, sip, "100000")  # no SIP installment yet: all idle beyond cap 0
        plans = {a: current_funding_plan(s, a) for a in demo_ids}
        short = CashShortfall(lump, signal_id=77, symbol="TCS", needed_inr=Decimal("30000"),
                              quality=0.9)
        props = svc.propose_for_shortfalls(s, [short],
                                           lambda a: deployable_cash(s, a, plans[a]))
        assert [(p.from_account_id, p.to_account_id, p.amount) for p in props] == [
            (sip, lump, Decimal("30000.00"))]
        assert not svc.propose_for_shortfalls(s, [short],
                                              lambda a: deployable_cash(s, a, plans[a]))
        svc.decide(s, props[0].id, approve=True, user="alice")
        card = TradeCardRow(account_id=lump, symbol="TCS", entry_price=Decimal("3000"),
                            quantity=10, stop_loss=Decimal("2900"), take_profit=Decimal("3200"),
                            status="EXECUTED", created_at=clock.now())
        s.add(card)
        s.flush()
        repo.proposal_row(s, props[0].id).trade_card_id = card.id
        pos = PositionRow(account_id=lump, trade_card_id=card.id, symbol="TCS", quantity=10,
                          initial_quantity=10, average_entry_price=Decimal("3000"),
                          opened_at=clock.now())
        s.add(pos)
        s.flush()
        FillLedger(clock, audit).sync(s)
        assert svc.run_auto_returns(s) == []  # still open
        clock.advance(days=2)
        pos.closed_at, pos.realized_pnl, pos.fees_paid = clock.now(), Decimal("1200"), Decimal(
            "45.10")
        s.flush()
        FillLedger(clock, audit).sync(s)
        moved = svc.run_auto_returns(s)
        assert [m.transaction_type for m in moved] == ["TRANSFER_OUT", "TRANSFER_IN"]
        assert balances(s, sip).available == Decimal("100000.00")
        assert balances(s, lump).available == Decimal("1154.90")
        assert repo.proposal_row(s, props[0].id).status == "RETURNED"
        assert svc.run_auto_returns(s) == []


def test_loan_unused_within_a_day_returns(db, clock, audit, demo_ids):
    sip, lump = demo_ids
    svc = TransferService(clock, audit)
    with transaction(db.sessions) as s:
        _fund(s, clock, audit, sip, "5000")
        p = svc.propose_transfer(s, sip, lump, Decimal("5000"), reason="x", signal_id=None)
        svc.decide(s, p.id, approve=True, user="alice")
        assert svc.run_auto_returns(s) == []
        clock.advance(timedelta(days=1).total_seconds())
        assert len(svc.run_auto_returns(s)) == 2
        assert balances(s, sip).available == Decimal("5000.00")
