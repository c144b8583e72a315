"""Headline → card latency of the running desk's hot path, with every real stage: ingest (dedup,
store) → offline tagger + MiniLM embedding → event-driven signal + meta-label → allocation for both
demo accounts → offline judge → guardrails → PENDING card (or a recorded drop).

Usage: python benchmarks/bench_desk_hotpath.py [--headlines 200] [--db URL]
(default: a fresh SQLite file; the simulated market's own synthetic headlines are replayed).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import torch

from app.bootstrap import Container
from app.hotpath import DeskWorker
from app.market_setup import prepare_market
from core.settings import Settings
from store.db import transaction
from tools.treasury.schedule import TreasuryScheduler


def _pct(xs: list[float], q: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--headlines", type=int, default=200)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)
    tmp = Path(tempfile.mkdtemp(prefix="desk-bench-"))
    url = args.db or f"sqlite:///{tmp}/desk.sqlite3"
    c = Container(Settings(database_url=url, data_dir=tmp / "var"))
    c.migrate()
    c.seed_demo()
    t0 = time.perf_counter()
    report = prepare_market(c)
    setup_s = time.perf_counter() - t0
    with transaction(c.sessions) as s:
        TreasuryScheduler(c.clock, c.audit).run(s)
    worker = DeskWorker(c)
    _ = c.market  # build the feed so the simulator has made its headlines
    heads = c.simulator.headlines()
    heads = [heads[i % len(heads)] for i in range(args.headlines)]
    c.embedder.embed(["warm up"])
    lat, cards = [], 0
    for i, h in enumerate(heads):
        t = time.perf_counter()
        ids = worker.on_headline(f"{h.title} (#{i})", h.body, "SIMULATED", None, c.clock.now())
        lat.append((time.perf_counter() - t) * 1000)
        cards += len(ids)
    print(f"setup (history, features, model): {setup_s:.1f} s  {report}")
    print(f"{len(lat)} headlines, {cards} cards, {worker.stats.events_with_cards} headlines "
          f"with a card")
    print(f"headline → card (or recorded drop): p50 {statistics.median(lat):.0f} ms, "
          f"p95 {_pct(lat, 0.95):.0f} ms, max {max(lat):.0f} ms")


if __name__ == "__main__":
    main()
