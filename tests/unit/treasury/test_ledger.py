"""Ledger: buckets, cover checks, idempotent references, audit entries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.enums import CapitalTxnType as T
from core.errors import Conflict, ValidationError
from store.audit import entries_for, verify_chain
from store.db import transaction
from tools.treasury.ledger import Ledger, all_balances, balances, external_net


def test_movements_fold_into_buckets(db, clock, audit, demo_ids):
    sip, _ = demo_ids
    led = Ledger(clock, audit)
    with transaction(db.sessions) as s:
        led.post(s, sip, T.DEPOSIT, Decimal("1000.00"), reason="in")
        led.post(s, sip, T.RESERVE, Decimal("400"), reason="card")
        led.post(s, sip, T.DEPLOY, Decimal("300"), reason="fill")
        led.post(s, sip, T.RELEASE, Decimal("100"), reason="cancel")
        led.post(s, sip, T.UNWIND, Decimal("300"), reason="exit")
        led.post(s, sip, T.REALIZED_PNL, Decimal("-25.50"), reason="loss")
        led.post(s, sip, T.FEES, Decimal("4.50"), reason="charges")
        bal = balances(s, sip)
        assert (bal.available, bal.reserved, bal.deployed) == (
            Decimal("970.00"), Decimal("0.00"), Decimal("0.00"))
        assert external_net(s) == Decimal("970.00")
        assert len(entries_for(s, account_id=sip, action_category="TREASURY")) == 7
        assert verify_chain(s).ok


def test_bad_input_and_overdraw_are_refused_and_write_nothing(db, clock, audit, demo_ids):
    for amount in (Decimal("0"), Decimal("-5"), Decimal("NaN"), 5.0):
        with pytest.raises(ValidationError, match="amount"), transaction(db.sessions) as s:
            Ledger(clock, audit).post(s, demo_ids[0], T.DEPOSIT, amount, reason="x")
    with pytest.raises(ValidationError, match="same account"), transaction(db.sessions) as s:
        Ledger(clock, audit).transfer(s, demo_ids[0], demo_ids[0], Decimal("1"), reason="x",
                                      reference="r")
    with transaction(db.sessions) as s:
        assert all_balances(s) == {}
    sip, _ = demo_ids
    led = Ledger(clock, audit)
    with transaction(db.sessions) as s:
        led.post(s, sip, T.DEPOSIT, Decimal("100"), reason="in")
    with pytest.raises(Conflict, match="available balance"), transaction(db.sessions) as s:
        led.post(s, sip, T.RESERVE, Decimal("100.01"), reason="too much")
    with pytest.raises(Conflict, match="reserved"), transaction(db.sessions) as s:
        led.post(s, sip, T.DEPLOY, Decimal("1"), reason="nothing reserved")
    with transaction(db.sessions) as s:
        assert balances(s, sip).available == Decimal("100.00")


def test_reference_makes_posting_idempotent(db, clock, audit, demo_ids):
    sip, lump = demo_ids
    led = Ledger(clock, audit)
    with transaction(db.sessions) as s:
        led.post(s, sip, T.DEPOSIT, Decimal("500"), reason="in", reference="d1")
        first = led.post(s, sip, T.DEPOSIT, Decimal("500"), reason="in", reference="d1")
        led.transfer(s, sip, lump, Decimal("200"), reason="loan", reference="x1")
        led.transfer(s, sip, lump, Decimal("200"), reason="loan", reference="x1")
        bals = all_balances(s)
    assert first.reference == "d1"
    assert bals[sip].available == Decimal("300.00")
    assert bals[lump].available == Decimal("200.00")
