"""Own the NewsAPI.org client (GET /v2/everything, key in the X-Api-Key header)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.enums import EventSource
from core.errors import FeedError
from tools.ingest.http import FeedHttp
from tools.ingest.items import FeedBatch, FeedItem
from tools.ingest.normalize import clean_text, to_utc
from tools.ingest.urls import NEWSAPI_BASE

DEFAULT_QUERY = '(NSE OR BSE OR Sensex OR Nifty) AND (shares OR stock OR results)'


def parse_newsapi(payload: str) -> tuple[list[FeedItem], list[str]]:
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise FeedError(f"NewsAPI: invalid JSON ({exc.msg})") from exc
    if not isinstance(data, dict) or data.get("status") != "ok":
        code = data.get("code") if isinstance(data, dict) else None
        msg = data.get("message") if isinstance(data, dict) else None
        raise FeedError(f"NewsAPI error {code}: {msg}")
    items, errors = [], []
    for i, a in enumerate(data.get("articles") or []):
        try:
            items.append(_item(a))
        except (KeyError, TypeError, ValueError) as exc:
            errors.append(f"NewsAPI article {i}: {type(exc).__name__}: {exc}")
    return items, errors


def _item(a: dict[str, Any]) -> FeedItem:
    title = clean_text(a["title"] or "")
    if not title or title == "[Removed]":
        raise ValueError("article without a title")
    body = clean_text(a.get("description") or "")
    when = to_utc(datetime.fromisoformat(str(a["publishedAt"]).replace("Z", "+00:00")))
    return FeedItem(source=EventSource.NEWS_API, title=title, url=a.get("url"),
                    artifact_url=a.get("url"), published_at=when, body=body,
                    category=(a.get("source") or {}).get("name"),
                    raw=json.dumps(a, ensure_ascii=False, sort_keys=True))


class NewsApiFeed:
    """Latest English articles matching a query; needs an API key."""

    name = "newsapi"

    def __init__(self, http: FeedHttp, api_key: str, base_url: str = NEWSAPI_BASE,
                 query: str = DEFAULT_QUERY, page_size: int = 50) -> None:
        self._http = http
        self._key = api_key
        self._base = base_url.rstrip("/")
        self._params = {"q": query, "language": "en", "sortBy": "publishedAt",
                        "pageSize": str(page_size)}

    def fetch(self) -> FeedBatch:
        try:
            got = self._http.get(self._base + "/v2/everything", params=self._params,
                                 headers={"X-Api-Key": self._key})
            items, errors = parse_newsapi(got.text())
        except FeedError as exc:
            return FeedBatch(self.name, (), (str(exc),))
        return FeedBatch(self.name, tuple(items), tuple(errors))
