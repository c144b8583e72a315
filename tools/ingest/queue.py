"""Own ingestion priority: which events jump the queue (filings and price-sensitive news first)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from core.enums import EventSource, EventType, Priority
from tools.nlp.lexicon import PRICE_SENSITIVE, event_type_scores

FILINGS = frozenset({EventSource.NSE_FILING, EventSource.BSE_ANNOUNCEMENT})
MACRO_SOURCES = frozenset({EventSource.RBI, EventSource.SEBI, EventSource.PIB})


def likely_type(title: str, body: str = "") -> EventType:
    """A cheap first guess of the event type (title cues first) used only for priority."""
    scores = event_type_scores(title, "") or event_type_scores("", body)
    if not scores:
        return EventType.OTHER
    return max(scores.items(), key=lambda kv: kv[1][0])[0]


def assign_priority(
    source: EventSource, title: str, body: str, symbols: Iterable[str],
    watchlist: Collection[str],
) -> Priority:
    """HIGH: filings, or price-sensitive news about held/watched symbols. MEDIUM: other news
    about watched symbols, price-sensitive news about anyone, macro releases. LOW: the rest."""
    watched = any(s in watchlist for s in symbols)
    sensitive = likely_type(title, body) in PRICE_SENSITIVE
    if source in FILINGS and (watched or sensitive):
        return Priority.HIGH
    if watched and sensitive:
        return Priority.HIGH
    if source in FILINGS or source in MACRO_SOURCES or watched or sensitive:
        return Priority.MEDIUM
    return Priority.LOW
