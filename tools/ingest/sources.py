"""Own the default set of feeds (real URLs unless overridden) built from plain settings values."""

from __future__ import annotations

from collections.abc import Sequence

from core.clock import Clock
from tools.ingest.bse import BseAnnouncementsFeed
from tools.ingest.gdelt import GdeltFeed
from tools.ingest.http import FeedHttp
from tools.ingest.items import Feed
from tools.ingest.macro import macro_feeds
from tools.ingest.newsapi import NewsApiFeed
from tools.ingest.nse import NseAnnouncementsFeed
from tools.ingest.rss import RssFeed
from tools.ingest.urls import DEFAULT_NEWS_RSS


def default_feeds(
    http: FeedHttp, clock: Clock, rss_urls: Sequence[str] = (), newsapi_key: str | None = None,
    *, gdelt: bool = True,
) -> list[Feed]:
    """NSE + BSE filings, RBI/SEBI/PIB releases, news RSS, GDELT and (with a key) NewsAPI."""
    feeds: list[Feed] = [NseAnnouncementsFeed(http), BseAnnouncementsFeed(http, clock)]
    feeds += macro_feeds(http, clock)
    feeds += [RssFeed(http, clock, u) for u in (rss_urls or DEFAULT_NEWS_RSS)]
    if gdelt:
        feeds.append(GdeltFeed(http))
    if newsapi_key:
        feeds.append(NewsApiFeed(http, newsapi_key))
    return feeds
