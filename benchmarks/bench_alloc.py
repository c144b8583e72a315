"""Benchmark the allocator, the card run and the ledger.

Run: `python benchmarks/bench_alloc.py` from the repository root (reads ../shared/data).
Prints: pure allocation of 2,000 candidates for one account; a full card run (filters → rank →
size → guardrails → offline judge → card rows + audit) for the two demo accounts from real
NSE bars on SQLite; balances over 5,000 capital transactions.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agents.judge.judge import JudgeAgent  # noqa: E402
from core.clock import IST, FakeClock  # noqa: E402
from core.enums import CapitalTxnType  # noqa: E402
from store.audit import AuditLog  # noqa: E402
from store.db import make_engine, session_factory, transaction, upgrade  # noqa: E402
from tests.integration.alloc.bars import candidates_from_bars, store_signals  # noqa: E402
from tests.integration.alloc.test_two_accounts import _real_bars  # noqa: E402
from tests.unit.alloc.factories import NOW, book, candidate, mandate  # noqa: E402
from tools.accounts.demo import ensure_demo_accounts  # noqa: E402
from tools.alloc.allocator import allocate  # noqa: E402
from tools.alloc.blackout import BlackoutCalendar  # noqa: E402
from tools.alloc.cardmaker import make_cards  # noqa: E402
from tools.treasury.ledger import Ledger, all_balances  # noqa: E402
from tools.treasury.schedule import TreasuryScheduler  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
REPLAY_AT = datetime(2024, 1, 1, 9, 15, tzinfo=IST)


def bench_allocate(n: int = 2000, repeats: int = 5) -> None:
    sectors = ["Information Technology", "Financial Services", "Healthcare", "Power", "Realty"]
    cands = [candidate(i, f"S{i:05d}", sector=sectors[i % 5], edge_pct=0.5 + (i % 17) / 3,
                       volatility_pct=10 + i % 50, ref_price=Decimal(100 + i % 900),
                       atr=2.0 + i % 9, horizon_days=1 + i % 20) for i in range(n)]
    m = mandate(max_positions=20)
    b = book(equity="5000000", cash="5000000")
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = allocate(cands, m, b, {}, BlackoutCalendar(), NOW)
        times.append(time.perf_counter() - t0)
    print(f"allocate: {n} candidates, 1 account → {len(out.sized)} sized, "
          f"median {statistics.median(times) * 1000:.1f} ms "
          f"({statistics.median(times) / n * 1e6:.1f} µs per candidate)")


def bench_card_run() -> None:
    with tempfile.TemporaryDirectory() as d:
        url = f"sqlite:///{d}/bench.sqlite3"
        upgrade(url)
        sessions = session_factory(make_engine(url))
        clock = FakeClock(REPLAY_AT)
        audit = AuditLog(clock)
        bars, sectors = _real_bars(SHARED)
        cands = candidates_from_bars(bars, sectors, clock.now())
        with transaction(sessions) as s:
            ensure_demo_accounts(s, audit, clock)
            TreasuryScheduler(clock, audit).run(s)
            store_signals(s, cands)
        t0 = time.perf_counter()
        with transaction(sessions) as s:
            run = make_cards(s, clock, audit, cands, JudgeAgent(None),
                             blackout=BlackoutCalendar())
        dt = time.perf_counter() - t0
    print(f"card run: {len(cands)} real-bar candidates × 2 demo accounts → {len(run.cards)} "
          f"cards, {len(run.dropped)} drops in {dt * 1000:.0f} ms "
          f"({dt / max(1, len(run.cards)) * 1000:.1f} ms per card incl. drops, SQLite)")


def bench_ledger(n: int = 5000) -> None:
    with tempfile.TemporaryDirectory() as d:
        url = f"sqlite:///{d}/ledger.sqlite3"
        upgrade(url)
        sessions = session_factory(make_engine(url))
        clock = FakeClock(NOW)
        audit = AuditLog(clock)
        with transaction(sessions) as s:
            accs = [a.id for a in ensure_demo_accounts(s, audit, clock)]
            led = Ledger(clock, audit)
            t0 = time.perf_counter()
            for i in range(n):
                led.post(s, accs[i % 2], CapitalTxnType.DEPOSIT, Decimal("10.00"), reason="b")
            post = time.perf_counter() - t0
            t0 = time.perf_counter()
            bal = all_balances(s)
            read = time.perf_counter() - t0
    print(f"ledger: {n} audited postings {post / n * 1000:.2f} ms each; balances of "
          f"{len(bal)} accounts over {n} rows in {read * 1000:.1f} ms")


if __name__ == "__main__":
    bench_allocate()
    bench_card_run()
    bench_ledger()
