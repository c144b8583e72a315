"""Own the BSE corporate-announcements feed (AnnSubCategoryGetData JSON, IST times)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from core.clock import IST, Clock
from core.enums import EventSource
from core.errors import FeedError
from tools.ingest.http import FeedHttp
from tools.ingest.items import FeedBatch, FeedItem
from tools.ingest.normalize import clean_text, parse_source_time
from tools.ingest.urls import BSE_ANNOUNCEMENTS_PATH, BSE_API_BASE, BSE_ATTACH_BASE

_TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M:%S")


def parse_bse_json(payload: str, attach_base: str = BSE_ATTACH_BASE,
                   ) -> tuple[list[FeedItem], list[str]]:
    """Parse {"Table": [...]} rows; the PDF lives at attach_base + ATTACHMENTNAME."""
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise FeedError(f"BSE announcements: invalid JSON ({exc.msg})") from exc
    rows = data.get("Table") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise FeedError("BSE announcements: no 'Table' list in the response")
    items, errors = [], []
    for i, row in enumerate(rows):
        try:
            items.append(_item(row, attach_base))
        except (KeyError, TypeError, ValueError) as exc:
            errors.append(f"BSE row {i}: {type(exc).__name__}: {exc}")
    return items, errors


def _item(row: dict[str, Any], attach_base: str) -> FeedItem:
    company = clean_text(str(row.get("SLONGNAME") or ""))
    headline = clean_text(str(row.get("HEADLINE") or ""))
    subject = clean_text(str(row["NEWSSUB"]))
    attachment = str(row.get("ATTACHMENTNAME") or "").strip()
    pdf = attach_base + attachment if attachment else None
    when = row.get("DissemDT") or row.get("NEWS_DT") or row["DT_TM"]
    return FeedItem(
        source=EventSource.BSE_ANNOUNCEMENT, title=subject, body=headline,
        url=pdf or f"bse:newsid:{row['NEWSID']}", artifact_url=pdf,
        published_at=parse_source_time(str(when), _TIME_FORMATS),
        category=clean_text(str(row.get("CATEGORYNAME") or "")) or None,
        company=company or None, raw=json.dumps(row, ensure_ascii=False, sort_keys=True),
    )


class BseAnnouncementsFeed:
    """Poll BSE's announcements for today (IST) and yesterday."""

    name = "bse"

    def __init__(self, http: FeedHttp, clock: Clock, base_url: str = BSE_API_BASE,
                 attach_base: str = BSE_ATTACH_BASE) -> None:
        self._http = http
        self._clock = clock
        self._base = base_url.rstrip("/")
        self._attach = attach_base

    def _params(self) -> dict[str, str]:
        today = self._clock.now().astimezone(IST).date()
        start = today - timedelta(days=1)
        fmt = "%Y%m%d"
        return {"pageno": "1", "strCat": "-1", "strPrevDate": _d(start, fmt), "strScrip": "",
                "strSearch": "P", "strToDate": _d(today, fmt), "strType": "C",
                "subcategory": "-1"}

    def fetch(self) -> FeedBatch:
        try:
            got = self._http.get(self._base + BSE_ANNOUNCEMENTS_PATH, params=self._params(),
                                 headers={"Referer": "https://www.bseindia.com/"})
            items, errors = parse_bse_json(got.text(), self._attach)
        except FeedError as exc:
            return FeedBatch(self.name, (), (str(exc),))
        return FeedBatch(self.name, tuple(items), tuple(errors))


def _d(day: Any, fmt: str) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=IST).strftime(fmt)
