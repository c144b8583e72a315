"""Own the GDELT DOC 2.0 client (mode=ArtList, format=json; seendate is UTC)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from core.enums import EventSource
from core.errors import FeedError
from tools.ingest.http import FeedHttp
from tools.ingest.items import FeedBatch, FeedItem
from tools.ingest.normalize import clean_text
from tools.ingest.urls import GDELT_BASE

DEFAULT_QUERY = '(sensex OR nifty OR "stock exchange") sourcecountry:IN sourcelang:english'


def parse_gdelt(payload: str) -> tuple[list[FeedItem], list[str]]:
    """GDELT answers errors as plain text with HTTP 200, so non-JSON is a FeedError."""
    try:
        data = json.loads(payload) if payload.strip() else {}
    except json.JSONDecodeError as exc:
        raise FeedError(f"GDELT: not JSON: {payload[:120]!r}") from exc
    if not isinstance(data, dict):
        raise FeedError("GDELT: expected an object with 'articles'")
    items, errors = [], []
    for i, a in enumerate(data.get("articles") or []):
        try:
            items.append(_item(a))
        except (KeyError, TypeError, ValueError) as exc:
            errors.append(f"GDELT article {i}: {type(exc).__name__}: {exc}")
    return items, errors


def _item(a: dict[str, Any]) -> FeedItem:
    title = clean_text(a["title"])
    if not title:
        raise ValueError("article without a title")
    when = datetime.strptime(a["seendate"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    lang = "en" if str(a.get("language", "")).lower() == "english" else None
    return FeedItem(source=EventSource.GDELT, title=title, url=a["url"], artifact_url=a["url"],
                    published_at=when, category=a.get("domain"), language=lang,
                    raw=json.dumps(a, ensure_ascii=False, sort_keys=True))


class GdeltFeed:
    name = "gdelt"

    def __init__(self, http: FeedHttp, base_url: str = GDELT_BASE, query: str = DEFAULT_QUERY,
                 max_records: int = 75, timespan: str = "1h") -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._params = {"query": query, "mode": "ArtList", "format": "json",
                        "maxrecords": str(max_records), "timespan": timespan, "sort": "DateDesc"}

    def fetch(self) -> FeedBatch:
        try:
            got = self._http.get(self._base + "/api/v2/doc/doc", params=self._params)
            items, errors = parse_gdelt(got.text())
        except FeedError as exc:
            return FeedBatch(self.name, (), (str(exc),))
        return FeedBatch(self.name, tuple(items), tuple(errors))
