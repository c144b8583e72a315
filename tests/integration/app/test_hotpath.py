"""The running desk's worker on the offline default: simulated history → model → cards, and a
headline through the hot path to event-driven cards for the account whose mandate allows them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.bootstrap import Container
from app.hotpath import DeskWorker
from app.market_setup import prepare_market
from core.settings import Settings
from store.audit import entries_for
from store.db import transaction
from store.models import EventRow, SignalRow
from tools.accounts.service import list_accounts
from tools.cards.service import list_cards


@pytest.fixture
def desk(sqlite_db, tmp_path):
    c = Container(Settings(database_url=sqlite_db.url, data_dir=tmp_path / "var"))
    c.seed_demo()
    report = prepare_market(c)
    assert report.bars_inserted > 0
    assert report.artefact is not None
    with transaction(c.sessions) as s:
        from tools.treasury.schedule import TreasuryScheduler
        TreasuryScheduler(c.clock, c.audit).run(s)
    return c


@pytest.mark.slow
def test_scan_and_headline_make_cards(desk):
    worker = DeskWorker(desk)
    # a second setup finds everything in place and changes nothing
    again = prepare_market(desk)
    assert (again.bars_inserted, again.features_written, again.artefact) == (0, 0, None)
    ids = worker.on_headline(
        "Infosys wins $1.5 billion order from a European bank, its largest deal this year",
        "[SIMULATED] The multi-year contract covers cloud and AI services.",
        "SIMULATED", None, desk.clock.now())
    assert worker.stats.headlines == 1
    with desk.sessions() as s:
        event = s.scalars(select(EventRow)).one()
        assert event.processing_status == "PROCESSED"
        signal = s.scalars(select(SignalRow).where(SignalRow.event_id == event.id)).one()
        assert (signal.symbol, signal.strategy) == ("INFY", "event_driven")
        # every account either got a card for it or a recorded reason why not
        dropped_for = {e.account_id for e in entries_for(s, action_category="ALLOCATION")
                       for d in e.payload["dropped"] if d["signal_id"] == signal.id}
        cards = [c for c in list_cards(s) if c.signal_id == signal.id]
        accounts = {a.id for a in list_accounts(s)}
    assert {c.id for c in cards} == set(ids)
    assert dropped_for | {c.account_id for c in cards} == accounts
    scanned = worker.scan()
    with desk.sessions() as s:
        carded = {c.account_id for c in list_cards(s) if c.id in scanned}
        assert all(c.evidence_links for c in list_cards(s))
    assert carded == accounts, "both demo accounts get cards from the daily scan"
