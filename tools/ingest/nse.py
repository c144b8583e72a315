"""Own the NSE corporate-announcements feed (the JSON API and the CSV download, IST times)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from core.enums import EventSource
from core.errors import FeedError
from tools.ingest.http import FeedHttp
from tools.ingest.items import FeedBatch, FeedItem
from tools.ingest.normalize import clean_text, parse_source_time
from tools.ingest.urls import NSE_ANNOUNCEMENTS_PATH, NSE_BASE

_TIME_FORMATS = ("%d-%b-%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d-%b-%Y %H:%M", "%d%m%Y%H%M%S")


def parse_nse_json(payload: str) -> tuple[list[FeedItem], list[str]]:
    """Parse the corporate-announcements JSON (a list, or {"data": [...]}) into items."""
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise FeedError(f"NSE announcements: invalid JSON ({exc.msg} at {exc.pos})") from exc
    rows = data.get("data") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise FeedError("NSE announcements: expected a list of announcements")
    items, errors = [], []
    for i, row in enumerate(rows):
        try:
            items.append(_json_item(row))
        except (KeyError, TypeError, ValueError) as exc:
            errors.append(f"NSE row {i}: {type(exc).__name__}: {exc}")
    return items, errors


def _json_item(row: dict[str, Any]) -> FeedItem:
    symbol = str(row["symbol"] or "").strip()
    if not symbol:
        raise ValueError("announcement without a symbol")
    subject = clean_text(str(row.get("desc") or ""))
    company = clean_text(str(row.get("sm_name") or symbol))
    when = row.get("an_dt") or row.get("sort_date") or row.get("exchdisstime")
    if not when:
        raise ValueError("no announcement time (an_dt/sort_date)")
    return FeedItem(
        source=EventSource.NSE_FILING, title=f"{company}: {subject}" if subject else company,
        url=row.get("attchmntFile") or None, artifact_url=row.get("attchmntFile") or None,
        published_at=parse_source_time(str(when), _TIME_FORMATS),
        body=clean_text(str(row.get("attchmntText") or "")), category=subject or None,
        symbol=symbol, company=company, raw=json.dumps(row, ensure_ascii=False, sort_keys=True),
    )


def parse_nse_csv(payload: str) -> tuple[list[FeedItem], list[str]]:
    """Parse the CSV download (SYMBOL, COMPANY NAME, SUBJECT, DETAILS, BROADCAST DATE/TIME,
    ATTACHMENT)."""
    reader = csv.DictReader(io.StringIO(payload.lstrip("\ufeff")))
    fields = {f.strip().upper() for f in reader.fieldnames or []}
    if not {"SYMBOL", "SUBJECT", "BROADCAST DATE/TIME"} <= fields:
        raise FeedError(f"NSE CSV: missing columns, got {sorted(fields)}")
    items, errors = [], []
    for i, raw in enumerate(reader, start=2):
        row = {(k or "").strip().upper(): (v or "").strip() for k, v in raw.items()}
        try:
            items.append(_json_item({
                "symbol": row["SYMBOL"], "desc": row["SUBJECT"], "sm_name": row.get("COMPANY NAME"),
                "attchmntText": row.get("DETAILS"), "an_dt": row["BROADCAST DATE/TIME"],
                "attchmntFile": row.get("ATTACHMENT") or None,
            }))
        except (KeyError, ValueError) as exc:
            errors.append(f"NSE CSV line {i}: {exc}")
    return items, errors


class NseAnnouncementsFeed:
    """Poll NSE's equity announcements; NSE wants a browser-like session, so the home page is
    visited first for cookies."""

    name = "nse"

    def __init__(self, http: FeedHttp, base_url: str = NSE_BASE, *, use_csv: bool = False,
                 warm_up: bool = True) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._csv = use_csv
        self._warm = warm_up

    def fetch(self) -> FeedBatch:
        try:
            if self._warm:
                self._http.get(self._base + "/")
                self._warm = False
            params = {"index": "equities", **({"csv": "true"} if self._csv else {})}
            got = self._http.get(self._base + NSE_ANNOUNCEMENTS_PATH, params=params,
                                 headers={"Referer": self._base + "/"})
            parse = parse_nse_csv if self._csv else parse_nse_json
            items, errors = parse(got.text())
        except FeedError as exc:
            return FeedBatch(self.name, (), (str(exc),))
        return FeedBatch(self.name, tuple(items), tuple(errors))
