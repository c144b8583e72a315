"""Own the shapes feeds hand to the pipeline: FeedItem, FeedBatch and the Feed protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from core.enums import EventSource


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One announcement, article or press release as listed by its source (times aware UTC)."""

    source: EventSource
    title: str
    url: str | None
    published_at: datetime
    body: str = ""
    artifact_url: str | None = None  # the PDF or article page to extract later
    category: str | None = None  # exchange subject, RSS category, ...
    symbol: str | None = None  # when the source names the instrument (NSE filings)
    company: str | None = None
    raw: str = ""  # the item as received (JSON / XML fragment), for the audit trail
    language: str | None = None


@dataclass(frozen=True, slots=True)
class FeedBatch:
    """What one poll of one feed produced: items, and errors that did not stop the feed."""

    feed: str
    items: tuple[FeedItem, ...] = ()
    errors: tuple[str, ...] = field(default=())


@runtime_checkable
class Feed(Protocol):
    """A pollable source of FeedItems; fetch never raises for bad data, only reports it."""

    name: str

    def fetch(self) -> FeedBatch: ...
