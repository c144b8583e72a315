"""Real NSE announcement rows (shared data) served as NSE JSON, through the whole pipeline."""

from __future__ import annotations

import csv
import json
from datetime import date

from core.enums import EventType
from store.audit import AuditLog
from store.repos import events as repo
from tools.ingest.nse import NseAnnouncementsFeed
from tools.ingest.pipeline import IngestPipeline
from tools.nlp.embedder import HashingEmbedder
from tools.nlp.linker import TickerLinker, load_reference_targets
from tools.nlp.tagger import OfflineTagger


def _nse_rows(shared_data, n):
    path = shared_data / "announcements" / "nse_announcements_2025-12-16_18.csv"
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["subject"] != "Declaration of NAV"][:n]
    out = []
    for i, r in enumerate(rows):
        day = date.fromisoformat(r["file_date"]).strftime("%d-%b-%Y")
        stamp = f"{day} {9 + i % 8:02d}:{i % 60:02d}:00"
        out.append({"symbol": r["symbol"], "desc": r["subject"], "sm_name": r["company"],
                    "attchmntText": r["details"], "an_dt": stamp, "attchmntFile": None})
    return out


def test_real_rows_link_to_their_symbols(sqlite_db, clock, shared_data, feeds_server, http):
    payload = _nse_rows(shared_data, 150)
    feeds_server.add("/api/corporate-announcements", json.dumps(payload).encode(),
                     "application/json")
    emb = HashingEmbedder()
    linker = TickerLinker(load_reference_targets(shared_data / "reference"))
    pipe = IngestPipeline(sqlite_db.sessions, clock, AuditLog(clock), OfflineTagger(linker, emb),
                          emb, [NseAnnouncementsFeed(http, feeds_server.base_url)])
    poll = pipe.poll_once()
    assert poll.fetched == 150
    assert not poll.feed_errors
    while pipe.process_pending(limit=100).processed:
        pass
    with sqlite_db.sessions() as s:
        events = repo.recent_events(s, limit=500)
        counts = repo.count_by_status(s)
    assert counts.get("FAILED", 0) == 0
    assert counts.get("PENDING", 0) == 0
    tagged = [e for e in events if e.tag is not None]
    # the feed's own symbol is always kept; the linker finds the company name in most rows too
    assert all(e.features["feed_symbol"] in e.symbols for e in events)
    linked = sum(1 for e in tagged if e.features["feed_symbol"] in e.tag.tickers)
    assert linked / len(tagged) > 0.8
    orders = [e for e in tagged if "orders/contracts" in (e.title or "").lower()]
    assert orders
    assert all(e.tag.event_type == EventType.ORDER_WIN for e in orders)
