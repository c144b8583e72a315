"""Cards for the two demo accounts from a replay of real NSE bars and from the simulated market:
different selections and sizes that follow each mandate; every limit holds; audit recorded."""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal

import pandas as pd
import pytest

from agents.judge.judge import JudgeAgent
from core.clock import IST, FakeClock
from store.audit import AuditLog, entries_for, verify_chain
from store.db import transaction
from tests.integration.alloc.bars import candidates_from_bars, store_signals
from tools.accounts.demo import ensure_demo_accounts
from tools.accounts.service import current_mandate
from tools.alloc.blackout import BlackoutCalendar
from tools.alloc.cardmaker import make_card_for_account, make_cards
from tools.cards.service import list_cards
from tools.treasury.ledger import balances
from tools.treasury.schedule import TreasuryScheduler

REPLAY_AT = datetime(2024, 1, 1, 9, 15, tzinfo=IST)  # the first session after the last shared bar


def _real_bars(shared_data) -> tuple[pd.DataFrame, dict[str, str | None]]:
    df = pd.read_csv(shared_data / "ohlcv" / "upstox_nifty50_daily_2020_2025.csv.gz",
                     parse_dates=["date"])
    df = df[df["date"] >= "2023-09-01"].rename(columns={"date": "ts"})
    with open(shared_data / "reference" / "nifty50_universe_in_datasets.csv",
              encoding="utf-8") as fh:
        sectors = {r["symbol"]: (r["industry"] or None) for r in csv.DictReader(fh)}
    return df, sectors


def _run(db, clock, candidates, blackout=None):
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        accs = {a.account_type: a.id for a in ensure_demo_accounts(s, audit, clock)}
        TreasuryScheduler(clock, audit).run(s)
        store_signals(s, candidates)
        run = make_cards(s, clock, audit, candidates, JudgeAgent(None),
                         blackout=blackout or BlackoutCalendar())
    return accs, run, audit


def _check_limits(s, acc_id, cards):
    m = current_mandate(s, acc_id)
    equity = balances(s, acc_id).equity
    cap = equity * Decimal(str(m.risk_per_trade_percent)) / 100
    assert len(cards) <= m.max_positions
    for c in cards:
        assert c.risk_amount <= cap
        assert c.horizon_days is not None
        assert m.horizon_min_days <= c.horizon_days <= m.horizon_max_days
        assert c.strategy in m.allowed_strategies
        assert c.evidence_links
        assert c.card_hash
    assert sum(c.position_size_rupees for c in cards) <= equity


def test_replay_of_real_bars_gives_contrasting_cards(db, shared_data):
    clock = FakeClock(REPLAY_AT)
    bars, sectors = _real_bars(shared_data)
    cands = candidates_from_bars(bars, sectors, clock.now())
    assert len(cands) >= 40
    accs, run, _ = _run(db, clock, cands)
    with transaction(db.sessions) as s:
        sip = list_cards(s, [accs["SIP"]])
        lump = list_cards(s, [accs["LUMP_SUM"]])
        assert sip
        assert lump
        _check_limits(s, accs["SIP"], sip)
        _check_limits(s, accs["LUMP_SUM"], lump)
        # the SIP mandate never trades event-driven (horizons are checked per mandate above)
        assert all(c.strategy != "event_driven" for c in sip)
        assert {c.symbol for c in sip} != {c.symbol for c in lump}
        # the lump sum risks 1.5 % of ₹2 lakh, the SIP 0.75 % of ₹25 000: sizes differ
        assert max(c.risk_amount for c in lump) > max(c.risk_amount for c in sip)
        assert all(c.status in ("PENDING", "BLOCKED") for c in sip + lump)
        allocs = entries_for(s, action_category="ALLOCATION")
        assert {e.account_id for e in allocs} == {accs["SIP"], accs["LUMP_SUM"]}
        assert any(d["reason"].startswith("strategy") for e in allocs
                   for d in e.payload["dropped"])
        assert verify_chain(s).ok
    assert len(run.cards) == len(sip) + len(lump)
    # a second run over the same candidates adds nothing: live cards hold their symbols and cash
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        again = make_cards(s, clock, audit, cands, JudgeAgent(None), blackout=BlackoutCalendar())
    assert again.cards == []
    assert any(d.reason.startswith("already held or carded") for d in again.dropped)


def test_blackout_windows_never_produce_cards(db, shared_data):
    clock = FakeClock(REPLAY_AT)
    bars, sectors = _real_bars(shared_data)
    cands = candidates_from_bars(bars, sectors, clock.now())
    every = BlackoutCalendar({c.symbol: frozenset({REPLAY_AT.date()}) for c in cands})
    accs, run, _ = _run(db, clock, cands, every)
    assert run.cards == []
    kinds = {d.reason.split(":")[0] for d in run.dropped}
    assert "earnings blackout" in kinds
    assert kinds <= {"earnings blackout", "strategy", "horizon", "liquidity", "banned sector"}
    assert len(run.dropped) == 2 * len(cands)
    assert set(accs.values()) == {d.account_id for d in run.dropped}
    # the judge graph's single-candidate path: blocked by the calendar, then carded without it
    fit = next(c for c in cands if c.strategy == "momentum" and c.horizon_days == 5)
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        dropped = make_card_for_account(s, clock, audit, fit, accs["LUMP_SUM"], JudgeAgent(None),
                                        blackout=every)
        made = make_card_for_account(s, clock, audit, fit, accs["LUMP_SUM"], JudgeAgent(None),
                                     blackout=BlackoutCalendar())
    assert dropped["status"] == "DROPPED"
    assert dropped["reason"].startswith("earnings blackout")
    assert made["status"] in ("PENDING", "BLOCKED")
    assert made["card_id"] is not None


def test_simulated_market_gives_cards_for_both_accounts(db, clock):
    sim_mod = pytest.importorskip("tools.market.simulator", reason="simulator not in tree")
    sim = sim_mod.MarketSimulator(7, 30, datetime(2025, 9, 1).date())
    bars = sim.daily_bars(70)
    bars = bars.assign(ts=bars["ts"])
    sectors = {i.symbol: i.sector for i in sim.instruments}
    cands = candidates_from_bars(bars, sectors, clock.now())
    accs, run, _ = _run(db, clock, cands)
    by_acc = {a: [c for c in run.cards if c.account_id == a] for a in accs.values()}
    assert all(by_acc.values()), {a: len(v) for a, v in by_acc.items()}
    with transaction(db.sessions) as s:
        for acc, cards in by_acc.items():
            _check_limits(s, acc, cards)
