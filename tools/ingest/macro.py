"""Own the macro feeds: RBI, SEBI and PIB press releases (their RSS, times in IST)."""

from __future__ import annotations

from core.clock import Clock
from core.enums import EventSource
from tools.ingest.http import FeedHttp
from tools.ingest.rss import RssFeed
from tools.ingest.urls import PIB_RSS, RBI_PRESS_RSS, SEBI_RSS


def rbi_feed(http: FeedHttp, clock: Clock, url: str = RBI_PRESS_RSS) -> RssFeed:
    return RssFeed(http, clock, url, EventSource.RBI, name="rbi")


def sebi_feed(http: FeedHttp, clock: Clock, url: str = SEBI_RSS) -> RssFeed:
    return RssFeed(http, clock, url, EventSource.SEBI, name="sebi")


def pib_feed(http: FeedHttp, clock: Clock, url: str = PIB_RSS) -> RssFeed:
    return RssFeed(http, clock, url, EventSource.PIB, name="pib")


def macro_feeds(http: FeedHttp, clock: Clock, rbi: str = RBI_PRESS_RSS, sebi: str = SEBI_RSS,
                pib: str = PIB_RSS) -> list[RssFeed]:
    """The three regulators' press-release feeds."""
    return [rbi_feed(http, clock, rbi), sebi_feed(http, clock, sebi), pib_feed(http, clock, pib)]
