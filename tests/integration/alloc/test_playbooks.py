"""The shipped playbooks reach the card: chase-limited entry, overrides, tranche plan, priority."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from agents.judge.judge import JudgeAgent
from core.enums import AccountStatus, OrderType
from store.audit import AuditLog
from store.db import transaction
from store.models import PositionRow
from tests.integration.alloc.bars import store_signals
from tests.unit.alloc.factories import candidate
from tools.accounts.demo import ensure_demo_accounts
from tools.accounts.service import set_status
from tools.alloc.blackout import BlackoutCalendar
from tools.alloc.cardmaker import make_cards
from tools.playbooks.defaults import ensure_default_playbooks
from tools.risk.switches import manual_kill
from tools.treasury.ledger import balances
from tools.treasury.schedule import TreasuryScheduler


def test_playbook_shapes_the_card_and_paused_accounts_get_none(db, clock):
    audit = AuditLog(clock)
    c = replace(candidate(7, "INFY", strategy="event_driven", event_type="BUYBACK",
                          stance="BULLISH", regime_label="MED_VOL", liquidity_regime="HIGH",
                          event_timestamp=clock.now() - timedelta(hours=1)),
                generated_at=clock.now(), expires_at=clock.now() + timedelta(hours=4))
    with transaction(db.sessions) as s:
        accs = {a.account_type: a.id for a in ensure_demo_accounts(s, audit, clock)}
        ensure_default_playbooks(s, audit, clock)
        TreasuryScheduler(clock, audit).run(s)
        store_signals(s, [c])
        run = make_cards(s, clock, audit, [c], JudgeAgent(None), accounts=[accs["LUMP_SUM"]],
                         blackout=BlackoutCalendar())
    assert len(run.cards) == 1
    card = run.cards[0]
    assert card.playbook_id is not None
    assert card.playbook_overrides["acceptable_gap_chase_percent"] == 3.0
    assert card.entry_order_type == OrderType.LIMIT.value  # a chase limit, not MARKET
    assert card.entry_price == c.ref_price * 103 / 100  # ₹1 000 + 3 % on the ₹0.10 grid
    assert card.priority is not None
    # the card's entry filled: the next run books the position into the ledger first
    with transaction(db.sessions) as s:
        s.add(PositionRow(account_id=accs["LUMP_SUM"], trade_card_id=card.id, symbol="INFY",
                          quantity=card.quantity, initial_quantity=card.quantity,
                          average_entry_price=card.entry_price, opened_at=clock.now()))
        s.flush()
        make_cards(s, clock, audit, [], JudgeAgent(None), accounts=[accs["LUMP_SUM"]])
        assert balances(s, accs["LUMP_SUM"]).deployed == card.quantity * card.entry_price
    # a kill switch on the lump-sum account and a paused SIP account size nothing
    other = replace(c, signal_id=8, symbol="WIPRO")
    with transaction(db.sessions) as s:
        store_signals(s, [other])
        manual_kill(s, audit, accs["LUMP_SUM"], "test stop", "tester", clock=clock)
        set_status(s, audit, clock, accs["SIP"], AccountStatus.PAUSED, "tester")
        run = make_cards(s, clock, audit, [other], JudgeAgent(None),
                         accounts=list(accs.values()), blackout=BlackoutCalendar())
    assert run.cards == []
    reasons = {d.account_id: d.reason for d in run.dropped}
    assert "kill switch" in reasons[accs["LUMP_SUM"]]
    assert "PAUSED" in reasons[accs["SIP"]]
