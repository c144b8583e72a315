"""The pipeline end to end on SQLite and Postgres: feeds, dedup, queue, tag + embed, store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.enums import AuditCategory, EventSource
from store.audit import AuditLog, entries_for, verify_chain
from store.repos import events as repo
from tests.fakes.feeds_server import NEWSAPI_KEY
from tests.unit.nlp.conftest import UNIVERSE
from tools.ingest.artifacts import ArtifactFetcher
from tools.ingest.gdelt import GdeltFeed
from tools.ingest.items import FeedBatch
from tools.ingest.newsapi import NewsApiFeed
from tools.ingest.nse import NseAnnouncementsFeed
from tools.ingest.pipeline import IngestPipeline
from tools.ingest.rss import RssFeed
from tools.nlp.embedder import HashingEmbedder
from tools.nlp.linker import TickerLinker
from tools.nlp.tagger import OfflineTagger


def _pipeline(db, clock, feeds, fetch=None, watch=("TCS",)):
    emb = HashingEmbedder()
    tagger = OfflineTagger(TickerLinker(UNIVERSE), emb)
    return IngestPipeline(db.sessions, clock, AuditLog(clock), tagger, emb, feeds,
                          watchlist_symbols=watch, fetcher=fetch)


def _all_feeds(srv, http, clock):
    base = srv.base_url
    return [NseAnnouncementsFeed(http, base), RssFeed(http, clock, base + "/rss/news.xml"),
            RssFeed(http, clock, base + "/rss/mint.xml"), NewsApiFeed(http, NEWSAPI_KEY, base),
            GdeltFeed(http, base), RssFeed(http, clock, base + "/rss/malformed.xml")]


def test_poll_dedups_and_prioritises(db, clock, feeds_server, http):
    pipe = _pipeline(db, clock, _all_feeds(feeds_server, http, clock))
    first = pipe.poll_once()
    again = pipe.poll_once()
    assert first.fetched == 4 + 5 + 2 + 2 + 2
    # ET's RIL story reappears on NewsAPI (same text) and GDELT repeats ET's market close (same
    # URL); Mint's rewrite of the RIL story is a near duplicate.
    assert (first.new, first.duplicates, first.near_duplicates) == (12, 2, 1)
    assert any("malformed" in e for e in first.feed_errors)
    assert again.new == 0
    assert again.duplicates == again.fetched
    with db.sessions() as s:
        pending = repo.next_pending(s, 100)
        # filings that are price-sensitive (results) or about a watched symbol (TCS) come first
        assert [(e.symbols, e.priority) for e in pending[:2]] == [
            (("INFY",), "HIGH"), (("TCS",), "HIGH")]
        assert pending[2].priority == "MEDIUM"
        assert pending[-1].priority == "LOW"
        near = [e for e in repo.recent_events(s, limit=100) if e.duplicate_of]
        assert len(near) == 1
        assert near[0].title.startswith("RIL stock jumps")
        assert near[0].status == "PROCESSED"
        assert entries_for(s, action_type="feed_errors")


def test_process_fetches_artifacts_and_fails_cleanly(db, clock, feeds_server, http):
    base = feeds_server.base_url
    feeds = [NseAnnouncementsFeed(http, base), RssFeed(http, clock, base + "/rss/news.xml")]
    pipe = _pipeline(db, clock, feeds, fetch=ArtifactFetcher(http))
    pipe._fetch_sources |= {EventSource.RSS}
    pipe.poll_once()
    report = pipe.process_pending(limit=100)
    assert (report.processed, report.failed) == (5, 4)
    assert len(report.latencies_ms) == 9
    with db.sessions() as s:
        evs = {e.title: e for e in repo.recent_events(s, limit=100)}
        tcs = evs["Tata Consultancy Services Limited: Buyback"]
        assert tcs.status == "PROCESSED"
        assert tcs.tag.event_type == "BUYBACK"
        assert "4,150" in tcs.normalized_content  # the PDF's table made it into the content
        assert tcs.embedding_model == "hashing-ngram-v1"
        reasons = {t: e.failure_reason for t, e in evs.items() if e.status == "FAILED"}
        assert "PdfError" in reasons["State Bank of India: Copy of Newspaper Publication"]
        assert "no article" in reasons["Page with no article"]
        assert "limit" in reasons["Huge page"]
        assert "utf-8" in reasons["Latin-1 page"]
        audits = entries_for(s, event_id=tcs.id)
        assert audits[-1].action_category == AuditCategory.INGESTION
        assert verify_chain(s).ok


def test_pending_survives_restart(db, clock, feeds_server, http):
    feeds = [NseAnnouncementsFeed(http, feeds_server.base_url)]
    _pipeline(db, clock, feeds).poll_once()  # the first process "dies" before processing
    fresh = _pipeline(db, clock, feeds)
    assert fresh.warm_dedup() == 4
    assert fresh.poll_once().new == 0
    assert fresh.process_pending().processed == 4
    with db.sessions() as s:
        assert repo.count_by_status(s) == {"PROCESSED": 4}


def test_a_failing_feed_does_not_stop_the_others(db, clock):
    class Broken:
        name = "broken"

        def fetch(self) -> FeedBatch:
            raise RuntimeError("bug in a feed")

    class One:
        name = "one"

        def fetch(self) -> FeedBatch:
            from tools.ingest.items import FeedItem

            return FeedBatch("one", (FeedItem(EventSource.RSS, "TCS wins order", "http://a/1",
                                              clock.now()),))

    report = _pipeline(db, clock, [Broken(), One()]).poll_once()
    assert report.new == 1
    assert "RuntimeError" in report.feed_errors[0]


def test_ingest_headline_hot_path_and_similarity(db, clock):
    pipe = _pipeline(db, clock, [])
    a = pipe.ingest_headline("TCS board approves share buyback", "", EventSource.SIMULATED,
                             "sim://1", clock.now())
    again = pipe.ingest_headline("TCS board approves share buyback", "", "SIMULATED", "sim://1",
                                 clock.now())
    clock.advance(hours=1)
    b = pipe.ingest_headline("RBI keeps repo rate unchanged", "", "SIMULATED", "sim://2",
                             clock.now())
    rewrite = pipe.ingest_headline("TCS board approves share buyback plan", "", "SIMULATED",
                                   "sim://3", clock.now())
    assert a == again == rewrite  # exact and near duplicates give back the tagged original
    with db.sessions() as s:
        ev = repo.get_event(s, a)
        assert ev.status == "PROCESSED"
        assert ev.source == "SIMULATED"
        assert ev.tag.stance == "BULLISH"
        q = HashingEmbedder().embed(["share buyback approved by TCS board"])[0]
        near = repo.similar_events(s, q, k=2, start=clock.now() - timedelta(days=1))
    assert [n.id for n in near] == [a, b]


def test_tagger_crash_marks_failed(db, clock):
    pipe = _pipeline(db, clock, [])

    class Boom:
        model_version = "boom"

        def tag(self, title, body=""):
            raise ValueError("tagger exploded")

    pipe._tagger = Boom()
    eid = pipe.ingest_headline("Anything at all here", "", "SIMULATED", None, clock.now())
    with db.sessions() as s:
        ev = repo.get_event(s, eid)
    assert ev.status == "FAILED"
    assert "tagger exploded" in ev.failure_reason


@pytest.mark.parametrize("bad", ["\x00\x01 binary \udcff junk", "x" * 3_000_000])
def test_odd_text_never_crashes(db, clock, bad):
    pipe = _pipeline(db, clock, [])
    eid = pipe.ingest_headline("Odd input " + bad[:50], bad, "SIMULATED", None, clock.now())
    with db.sessions() as s:
        assert repo.get_event(s, eid).status in {"PROCESSED", "FAILED"}
