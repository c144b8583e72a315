"""Benchmark ingestion: N headlines from a loopback RSS feed through dedup -> tag -> embed -> store.

    python benchmarks/bench_ingest.py [--n 10000] [--db URL] [--threads 2] [--hashing]

Prints poll and processing throughput and p50/p95 per-event latency of tag + embed + store.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.clock import FakeClock  # noqa: E402
from store.audit import AuditLog  # noqa: E402
from store.db import make_engine, session_factory, upgrade  # noqa: E402
from store.repos import events as repo  # noqa: E402
from tests.fakes.feeds_server import FakeFeedsServer  # noqa: E402
from tools.ingest.http import FeedHttp  # noqa: E402
from tools.ingest.pipeline import IngestPipeline  # noqa: E402
from tools.ingest.rss import RssFeed  # noqa: E402
from tools.market.instruments import default_universe  # noqa: E402
from tools.nlp.embedder import HashingEmbedder, MiniLMEmbedder  # noqa: E402
from tools.nlp.linker import TickerLinker, load_reference_targets  # noqa: E402
from tools.nlp.tagger import OfflineTagger  # noqa: E402

TEMPLATES = (
    "{c} Q{q} net profit rises {n}% to Rs {m} crore, beats estimates",
    "{c} Q{q} profit falls {n}% as margins shrink; revenue misses",
    "{c} bags order worth Rs {m} crore from {client}",
    "{c} board approves buyback of shares at Rs {p} apiece",
    "SEBI imposes Rs {n} lakh penalty on {c} for disclosure lapses",
    "{c} declares interim dividend of Rs {d} per share",
    "{c} shares slump {n}% after CEO resigns",
    "Brokerage upgrades {c} to buy with target price of Rs {p}",
    "{c} to acquire {n}% stake in {client} for Rs {m} crore",
    "Sensex, Nifty end {n} points higher as FIIs buy; {c} top gainer",
    "{c} appoints {person} as chief financial officer with effect from {day} {month}",
    "{c} gets USFDA nod for generic drug; shares rise {n}%",
    "Credit rating agency {agency} reaffirms {c} long-term rating, outlook {outlook}",
    "{c} raises Rs {m} crore via QIP at Rs {p} per share",
    "{c} shares hit 52-week high on strong {month} sales; volumes {n}x average",
    "{c} promoter pledges {n}% stake; lenders include {client}",
    "{c} commissions {m} MW solar plant in {city}",
    "Income tax department conducts search at {c} offices in {city}",
    "{c} signs MoU with {client} for {city} project worth Rs {m} crore",
    "{c} Q{q} revenue guidance cut to {n}%; management cites weak demand in {city}",
)
PEOPLE = ("R. Iyer", "S. Mehta", "A. Kulkarni", "P. Banerjee", "N. Reddy", "V. Shah", "K. Nair")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")
CITIES = ("Pune", "Chennai", "Ahmedabad", "Kolkata", "Hyderabad", "Jaipur", "Indore", "Surat")
AGENCIES = ("CRISIL", "ICRA", "CARE Ratings", "India Ratings")
CLIENTS = ("NHAI", "a European bank", "Indian Railways", "a US retailer", "NTPC", "a Gulf utility")


def headlines(n: int, names: list[str], seed: int = 7) -> list[tuple[str, str, datetime]]:
    rng = random.Random(seed)
    t0 = datetime(2025, 12, 16, 3, 45, tzinfo=UTC)
    out = []
    for i in range(n):
        tpl = rng.choice(TEMPLATES)
        title = tpl.format(c=rng.choice(names), q=rng.randint(1, 4), n=rng.randint(1, 40),
                           m=rng.randint(100, 20000), p=rng.randint(100, 5000),
                           d=rng.randint(1, 50), client=rng.choice(CLIENTS),
                           person=rng.choice(PEOPLE), day=rng.randint(1, 28),
                           month=rng.choice(MONTHS), city=rng.choice(CITIES),
                           agency=rng.choice(AGENCIES), outlook=rng.choice(("stable", "positive",
                                                                            "negative")))
        out.append((title, f"https://news.example.in/markets/{i}.html", t0 + timedelta(seconds=i)))
    return out


def rss(items: list[tuple[str, str, datetime]]) -> bytes:
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link><description>{escape(t)}."
        f"</description><pubDate>{format_datetime(ts)}</pubDate></item>" for t, u, ts in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>bench'
            f"</title>{body}</channel></rss>").encode()


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--db", default="")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--hashing", action="store_true", help="hashing embedder instead of MiniLM")
    a = ap.parse_args()
    url = a.db or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    if a.hashing:
        emb = HashingEmbedder()
    else:
        import torch

        torch.set_num_threads(a.threads)
        emb = MiniLMEmbedder()
    clock = FakeClock(datetime(2025, 12, 16, 10, 0, tzinfo=UTC))
    ref = ROOT.parent / "shared" / "data" / "reference"
    targets = list(default_universe()) + (load_reference_targets(ref) if ref.exists() else [])
    names = sorted({t.name.replace(" Ltd.", "").replace(" Limited", "") for t in targets
                    if t.name})
    tagger = OfflineTagger(TickerLinker(targets), emb)
    items = headlines(a.n, names)
    with FakeFeedsServer() as srv:
        srv.add("/rss/bench.xml", rss(items), "application/rss+xml; charset=utf-8")
        http = FeedHttp(timeout_s=60)
        feed = RssFeed(http, clock, srv.base_url + "/rss/bench.xml")
        pipe = IngestPipeline(sessions, clock, AuditLog(clock), tagger, emb, [feed],
                              watchlist_symbols={"RELIANCE", "TCS", "INFY"})
        t0 = time.perf_counter()
        poll = pipe.poll_once()
        t_poll = time.perf_counter() - t0
        lat: list[float] = []
        t1 = time.perf_counter()
        while True:
            rep = pipe.process_pending(limit=512, batch_size=a.batch)
            if rep.processed + rep.failed == 0:
                break
            lat.extend(rep.latencies_ms)
        t_proc = time.perf_counter() - t1
        http.close()
    with sessions() as s:
        counts = repo.count_by_status(s)
        q = emb.embed(["board approves share buyback"])[0]
        t2 = time.perf_counter()
        for _ in range(20):
            repo.similar_events(s, q, k=5)
        t_sim = (time.perf_counter() - t2) / 20 * 1000
    total = poll.fetched
    load = os.getloadavg()
    print(f"db={engine.dialect.name} embedder={emb.model_version} threads={a.threads} n={total} "
          f"cores={os.cpu_count()} loadavg={load[0]:.1f},{load[1]:.1f}")
    print(f"poll+dedup+store: {t_poll:.1f} s ({total / t_poll:.0f} items/s); new={poll.new} "
          f"dup={poll.duplicates} near_dup={poll.near_duplicates}")
    print(f"tag+embed+store: {len(lat)} events in {t_proc:.1f} s ({len(lat) / t_proc:.0f} "
          f"events/s); p50={pct(lat, 50):.1f} ms p95={pct(lat, 95):.1f} ms per event")
    print(f"end to end: {total / (t_poll + t_proc):.0f} headlines/s; status={counts}")
    print(f"similar_events k=5 over {counts.get('PROCESSED', 0)} events: {t_sim:.1f} ms")


if __name__ == "__main__":
    main()
