"""Own RSS/Atom feeds (feedparser): Indian business news and, via macro.py, regulator releases."""

from __future__ import annotations

from datetime import datetime, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from core.clock import IST, Clock
from core.enums import EventSource
from core.errors import FeedError
from tools.ingest.http import FeedHttp
from tools.ingest.items import FeedBatch, FeedItem
from tools.ingest.normalize import clean_text, to_utc


def entry_time(entry: Any, source_tz: tzinfo) -> datetime | None:
    """The entry's published/updated time in UTC; a zone-less time is in the source's zone."""
    for key in ("published", "updated", "created"):
        value = entry.get(key)
        if not value:
            continue
        try:
            return to_utc(parsedate_to_datetime(value), source_tz)
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return to_utc(datetime.fromisoformat(value.replace("Z", "+00:00")), source_tz)
        except ValueError:
            continue
    return None


def parse_feed(content: bytes, source: EventSource, now: datetime, source_tz: tzinfo = IST,
               ) -> tuple[list[FeedItem], list[str]]:
    """Parse RSS 2.0 / Atom bytes; a feed with no entries and a parse error raises FeedError."""
    parsed = feedparser.parse(content)
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"malformed feed: {parsed.get('bozo_exception')}")
    items, errors = [], []
    for i, e in enumerate(parsed.entries):
        title = clean_text(e.get("title", ""))
        if not title:
            errors.append(f"entry {i}: no title")
            continue
        when = entry_time(e, source_tz)
        link = e.get("link") or None
        items.append(FeedItem(
            source=source, title=title, url=link, artifact_url=link,
            published_at=when or now, body=clean_text(e.get("summary", "") or ""),
            category=(e.get("tags") or [{}])[0].get("term"),
            raw=_raw(e), language=(parsed.feed.get("language") or None),
        ))
        if when is None:
            errors.append(f"entry {i}: no usable date, ingestion time used")
    if parsed.bozo and not items:
        raise FeedError(f"malformed feed: {parsed.get('bozo_exception')}")
    return items, errors


def _raw(entry: Any) -> str:
    keys = ("title", "link", "published", "updated", "summary", "id")
    return "\n".join(f"{k}: {entry.get(k)}" for k in keys if entry.get(k))


class RssFeed:
    """One RSS or Atom URL."""

    def __init__(self, http: FeedHttp, clock: Clock, url: str,
                 source: EventSource = EventSource.RSS, name: str | None = None,
                 source_tz: tzinfo = IST) -> None:
        self._http = http
        self._clock = clock
        self.url = url
        self.source = source
        self.name = name or f"{source.value.lower()}:{url}"
        self._tz = source_tz

    def fetch(self) -> FeedBatch:
        try:
            got = self._http.get(self.url)
            items, errors = parse_feed(got.content, self.source, self._clock.now(), self._tz)
        except FeedError as exc:
            return FeedBatch(self.name, (), (str(exc),))
        return FeedBatch(self.name, tuple(items), tuple(errors))
