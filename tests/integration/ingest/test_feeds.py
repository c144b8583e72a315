"""Every feed client against the loopback server: parsing, UTC times, retries, error handling."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.enums import EventSource
from core.errors import FeedError
from tests.fakes.feeds_server import NEWSAPI_KEY
from tools.ingest.artifacts import ArtifactFetcher
from tools.ingest.bse import BseAnnouncementsFeed
from tools.ingest.gdelt import GdeltFeed
from tools.ingest.http import FeedHttp
from tools.ingest.macro import macro_feeds
from tools.ingest.newsapi import NewsApiFeed
from tools.ingest.nse import NseAnnouncementsFeed
from tools.ingest.rss import RssFeed


@pytest.mark.parametrize("use_csv", [False, True])
def test_nse_json_and_csv(feeds_server, http, use_csv):
    batch = NseAnnouncementsFeed(http, feeds_server.base_url, use_csv=use_csv).fetch()
    by_symbol = {i.symbol: i for i in batch.items}
    assert set(by_symbol) == {"TCS", "ALOKINDS", "INFY", "SBIN"}
    tcs = by_symbol["TCS"]
    assert tcs.source is EventSource.NSE_FILING
    assert tcs.title == "Tata Consultancy Services Limited: Buyback"
    assert tcs.published_at == datetime(2025, 12, 16, 13, 15, 12, tzinfo=UTC)  # 18:45:12 IST
    assert tcs.artifact_url.endswith("/corporate/buyback.pdf")
    assert len(batch.errors) == 1  # the row without a symbol is reported, not fatal
    assert feeds_server.hits["/"] == 1  # cookie warm-up


def test_bse_feed_builds_attachment_urls(feeds_server, http, clock):
    attach = feeds_server.base_url + "/xml-data/corpfiling/AttachLive/"
    batch = BseAnnouncementsFeed(http, clock, feeds_server.base_url, attach).fetch()
    assert [i.company for i in batch.items] == ["HDFC Bank Ltd", "Larsen & Toubro Ltd"]
    assert batch.items[0].artifact_url == attach + "bm_hdfcbank_16122025.pdf"
    assert batch.items[1].artifact_url is None
    assert batch.items[1].published_at == datetime(2025, 12, 16, 5, 32, 45, 500000, tzinfo=UTC)


def test_rss_and_atom_times_are_utc(feeds_server, http, clock):
    rss = RssFeed(http, clock, feeds_server.base_url + "/rss/news.xml").fetch()
    atom = RssFeed(http, clock, feeds_server.base_url + "/rss/mint.xml").fetch()
    assert rss.items[0].published_at == datetime(2025, 12, 16, 4, 35, tzinfo=UTC)
    assert atom.items[0].published_at == datetime(2025, 12, 16, 4, 50, tzinfo=UTC)
    assert len(rss.items) == 5
    assert rss.items[0].category == "Stocks"


def test_macro_feeds_assume_ist_when_zone_missing(feeds_server, http, clock):
    base = feeds_server.base_url
    rbi, sebi, pib = macro_feeds(http, clock, base + "/rss/rbi.xml", base + "/rss/sebi.xml",
                                 base + "/rss/pib.xml")
    r = rbi.fetch()
    assert r.items[0].source is EventSource.RBI
    assert r.items[0].published_at == datetime(2025, 12, 16, 12, 0, tzinfo=UTC)  # 17:30 IST
    s = sebi.fetch()  # "16 Dec, 2025" is not a date feedparser or RFC 2822 can read
    assert s.items[0].published_at == clock.now()
    assert s.errors
    assert pib.fetch().items[0].source is EventSource.PIB


def test_newsapi_key_and_removed_articles(feeds_server, http):
    ok = NewsApiFeed(http, NEWSAPI_KEY, feeds_server.base_url).fetch()
    assert [i.title[:7] for i in ok.items] == ["Infosys", "Relianc"]
    assert len(ok.errors) == 1  # the "[Removed]" article
    bad = NewsApiFeed(http, "wrong", feeds_server.base_url).fetch()
    assert bad.items == ()
    assert "401" in bad.errors[0]
    assert feeds_server.hits["/v2/everything"] == 2  # 4xx is never retried


def test_gdelt(feeds_server, http):
    batch = GdeltFeed(http, feeds_server.base_url).fetch()
    assert batch.items[0].published_at == datetime(2025, 12, 16, 5, 30, tzinfo=UTC)
    assert batch.items[0].language == "en"


def test_retries_5xx_then_succeeds(feeds_server, http, clock):
    feeds_server.fail("/rss/news.xml", 503, times=2)
    batch = RssFeed(http, clock, feeds_server.base_url + "/rss/news.xml").fetch()
    assert len(batch.items) == 5
    assert feeds_server.hits["/rss/news.xml"] == 3


def test_gives_up_after_attempts(feeds_server, http, clock):
    feeds_server.fail("/rss/news.xml", 502, times=5)
    batch = RssFeed(http, clock, feeds_server.base_url + "/rss/news.xml").fetch()
    assert batch.items == ()
    assert "502" in batch.errors[0]
    assert feeds_server.hits["/rss/news.xml"] == 3


def test_malformed_feed_is_reported(feeds_server, http, clock):
    batch = RssFeed(http, clock, feeds_server.base_url + "/rss/malformed.xml").fetch()
    assert batch.items == ()
    assert "malformed" in batch.errors[0]


def test_artifacts(feeds_server, http):
    fetch = ArtifactFetcher(http)
    base = feeds_server.base_url
    assert "Buyback price per share (Rs.) | 4,150" in fetch.text(base + "/corporate/buyback.pdf")
    assert "Jio tariff hike" in fetch.text(base + "/articles/ril-jio.html")
    for path, why in [("/corporate/broken.pdf", "PDF"), ("/articles/empty.html", "no article"),
                      ("/articles/huge.html", "limit"), ("/articles/latin1.html", "utf-8")]:
        with pytest.raises(FeedError, match=why):
            fetch.text(base + path)


def test_timeout_is_temporary(feeds_server):
    slow = FeedHttp(timeout_s=0.001, attempts=2, backoff_s=0.0)
    with pytest.raises(FeedError):
        slow.get(feeds_server.base_url + "/articles/huge.html")
    slow.close()
