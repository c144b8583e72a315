"""One signal can lead to cards for several accounts: each card's timeline shows only its own."""

from __future__ import annotations

from store.audit import AuditLog
from store.db import transaction
from store.models import SignalRow
from tests.factories import make_candidate, make_card
from tools.accounts.demo import ensure_demo_accounts
from tools.cards.service import get_card


def test_timeline_keeps_to_its_own_card(db, clock):
    from app.web.pages.audit import _entries

    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        a, b = (acc.id for acc in ensure_demo_accounts(s, audit, clock))
        sig = SignalRow(symbol="INFY", exchange="NSE", strategy="momentum", direction="LONG",
                        generated_at=clock.now(), status="ACTIVE")
        s.add(sig)
        s.flush()
        audit.append(s, "SIGNAL_CREATED", {"id": sig.id}, category="SIGNAL", signal_id=sig.id)
        cand = make_candidate(clock, signal_id=sig.id)
        card_a = make_card(s, clock, a, candidate=cand)
        card_b = make_card(s, clock, b, candidate=cand)
    with db.sessions() as s:
        entries, steps = _entries(s, get_card(s, card_a.id))
    assert steps["card"].trade_card_id == card_a.id
    assert steps["signal"].action_type == "SIGNAL_CREATED"
    assert card_b.id not in {e.trade_card_id for e in entries}
