"""Own institutional cash flows: the NSE FII/DII report (client, parser), CSV history, 5-day sums.

Amounts are ₹ crore, as NSE publishes them. A day's report appears in the evening after the
close, so feature rows of session D use flows up to D-1 (see build.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from core.errors import FeedError, TemporaryError, ValidationError
from tools.features.config import FeatureConfig

NSE_BASE_URL = "https://www.nseindia.com"
FII_DII_PATH = "/api/fiidiiTradeReact"
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
    )
}
CATEGORY_MAP = {"FII": "FII", "FPI": "FII", "DII": "DII"}
_BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36",
    "Accept": "application/json, text/plain, */*",
    "Accept-Language": "en-US,en;q=0.9",
    "Referer": "https://www.nseindia.com/reports/fii-dii",
}


@dataclass(frozen=True, slots=True)
class FlowRecord:
    """One category's net cash flow on one day (₹ crore)."""

    date: date
    category: str  # FII (incl. FPI) or DII
    buy_cr: Decimal | None
    sell_cr: Decimal | None
    net_cr: Decimal
    source: str


def _decimal(value: Any, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and value.strip() in ("", "-")):
        return None
    try:
        return Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise FeedError(f"{field}: not a number: {value!r}") from exc


def parse_nse_report(payload: Any, source: str = "NSE") -> list[FlowRecord]:
    """Parse fiidiiTradeReact JSON: a list of {category, date, buyValue, sellValue, netValue}."""
    if not isinstance(payload, list):
        raise FeedError("FII/DII report: expected a JSON list")
    out = []
    for i, item in enumerate(payload):
        if not isinstance(item, dict):
            raise FeedError(f"FII/DII report row {i}: expected an object")
        category = _category(str(item.get("category", "")))
        if category is None:
            raise FeedError(f"FII/DII report row {i}: unknown category {item.get('category')!r}")
        try:
            day = _report_date(str(item.get("date", "")))
        except (ValueError, KeyError) as exc:
            raise FeedError(f"FII/DII report row {i}: bad date {item.get('date')!r}") from exc
        net = _decimal(item.get("netValue"), f"row {i} netValue")
        buy = _decimal(item.get("buyValue"), f"row {i} buyValue")
        sell = _decimal(item.get("sellValue"), f"row {i} sellValue")
        if net is None:
            if buy is None or sell is None:
                raise FeedError(f"FII/DII report row {i}: no netValue")
            net = buy - sell
        out.append(FlowRecord(day, category, buy, sell, net, source))
    return out


def _report_date(raw: str) -> date:
    """'16-Dec-2025' -> date (a calendar date, so no time zone is involved)."""
    day, mon, year = raw.strip().split("-")
    return date(int(year), _MONTHS[mon.strip().upper()[:3]], int(day))


def _category(raw: str) -> str | None:
    """'FII/FPI *' -> FII, 'DII **' -> DII."""
    head = raw.replace("*", "").strip().upper().split("/")[0].strip()
    return CATEGORY_MAP.get(head)


def parse_flows_csv(path: Path, source: str = "CSV") -> list[FlowRecord]:
    """Parse `date,fii_net_cr,dii_net_cr,...` history into records (two per day)."""
    frame = pd.read_csv(path, dtype=str)
    for col in ("date", "fii_net_cr", "dii_net_cr"):
        if col not in frame.columns:
            raise ValidationError(f"{path.name} lacks column {col}", field=col)
    out = []
    for i, row in frame.iterrows():
        try:
            day = date.fromisoformat(str(row["date"]).strip())
        except ValueError as exc:
            raise ValidationError(
                f"{path.name} row {i}: bad date {row['date']!r}", field="date"
            ) from exc
        for col, cat in (("fii_net_cr", "FII"), ("dii_net_cr", "DII")):
            net = _decimal(row[col], f"{path.name} row {i} {col}")
            if net is not None:
                out.append(FlowRecord(day, cat, None, None, net, source))
    return out


def flows_frame(records: list[FlowRecord]) -> pd.DataFrame:
    """Wide daily frame: date, fii_net_cr, dii_net_cr (floats for feature maths)."""
    if not records:
        return pd.DataFrame(columns=["date", "fii_net_cr", "dii_net_cr"])
    long = pd.DataFrame(
        [{"date": r.date, "category": r.category, "net": float(r.net_cr)} for r in records]
    )
    wide = long.pivot_table(index="date", columns="category", values="net", aggfunc="last")
    return pd.DataFrame(
        {"date": wide.index, "fii_net_cr": wide.get("FII"), "dii_net_cr": wide.get("DII")}
    ).reset_index(drop=True)


def flow_features(flows: pd.DataFrame, config: FeatureConfig) -> pd.DataFrame:
    """fpi_flow_5d / dii_flow_5d: sums over the last `flows_window` report days (₹ crore)."""
    df = flows.copy()
    df["date"] = pd.to_datetime(df["date"]).dt.date
    df = df.sort_values("date").drop_duplicates("date", keep="last").reset_index(drop=True)
    w = config.flows_window
    return pd.DataFrame(
        {
            "date": df["date"],
            "fpi_flow_5d": pd.to_numeric(df["fii_net_cr"], errors="coerce").rolling(w).sum(),
            "dii_flow_5d": pd.to_numeric(df["dii_net_cr"], errors="coerce").rolling(w).sum(),
        }
    )


def _retrying(attempts: int, backoff_s: float) -> Retrying:
    return Retrying(
        retry=retry_if_exception_type(TemporaryError),
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=backoff_s, max=10 * backoff_s),
        reraise=True,
    )


class NseFlowsClient:
    """Fetch the NSE FII/DII cash report over HTTPS (retrying temporary failures only)."""

    def __init__(
        self,
        base_url: str = NSE_BASE_URL,
        timeout_s: float = 10.0,
        attempts: int = 3,
        backoff_s: float = 0.5,
    ) -> None:
        self._retrying = _retrying(attempts, backoff_s)
        self._client = httpx.Client(
            base_url=base_url, timeout=timeout_s, headers=_BROWSER_HEADERS, follow_redirects=True
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> NseFlowsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self) -> list[FlowRecord]:
        """Today's report; temporary failures (network, 429, 5xx) are retried with backoff."""
        return self._retrying(self._fetch_once)

    def _fetch_once(self) -> list[FlowRecord]:
        """NSE wants its cookies first, so visit the report page once per client."""
        try:
            if not self._client.cookies:
                self._get("/reports/fii-dii")
            resp = self._get(FII_DII_PATH)
        except httpx.TransportError as exc:
            raise TemporaryError(f"NSE flows: {type(exc).__name__}") from exc
        try:
            payload = resp.json()
        except json.JSONDecodeError as exc:
            raise FeedError("NSE flows: response is not JSON") from exc
        return parse_nse_report(payload, source="NSE")

    def _get(self, path: str) -> httpx.Response:
        resp = self._client.get(path)
        if resp.status_code == 429 or resp.status_code >= 500:
            raise TemporaryError(f"NSE flows: HTTP {resp.status_code} on {path}")
        if resp.status_code >= 400:
            raise FeedError(f"NSE flows: HTTP {resp.status_code} on {path}")
        return resp
