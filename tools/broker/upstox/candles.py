"""Own Upstox daily candles (v3 historical-candle API) turned into the desk's daily bars."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import pandas as pd

from core.enums import DataSource
from core.errors import FeedError
from tools.broker.upstox.http import UpstoxBroker
from tools.market.calendar import daily_bar_ts

MAX_SPAN_DAYS = 3650  # one request may cover at most a decade of daily candles
COLUMNS = ["symbol", "exchange", "ts", "open", "high", "low", "close", "volume", "oi", "source"]


def candle_path(instrument_key: str, start: date, end: date) -> str:
    """`/v3/historical-candle/{key}/days/1/{to}/{from}` with the key's `|` URL-encoded."""
    if (end - start).days > MAX_SPAN_DAYS:
        raise ValueError("Upstox serves at most a decade of daily candles per request")
    return (f"/v3/historical-candle/{quote(instrument_key, safe='')}/days/1/"
            f"{end.isoformat()}/{start.isoformat()}")


def candles_frame(rows: list[list[Any]], symbol: str, exchange: str = "NSE") -> pd.DataFrame:
    """Candles `[ts ISO +05:30, open, high, low, close, volume, oi]` (newest first, as Upstox
    sends them) → long-format daily bars, oldest first, stamped by the desk's daily-bar rule."""
    out = []
    for row in rows:
        try:
            day = datetime.fromisoformat(str(row[0])).date()
            o, h, lo, c = (float(x) for x in row[1:5])
            volume, oi = int(row[5]), (int(row[6]) if len(row) > 6 and row[6] is not None else None)
        except (IndexError, TypeError, ValueError) as exc:
            raise FeedError(f"{symbol}: malformed Upstox candle {row!r}") from exc
        out.append({"symbol": symbol, "exchange": exchange, "ts": daily_bar_ts(day), "open": o,
                    "high": h, "low": lo, "close": c, "volume": volume, "oi": oi,
                    "source": DataSource.UPSTOX.value})
    frame = pd.DataFrame(out, columns=COLUMNS)
    return frame.sort_values("ts").reset_index(drop=True)


async def daily_bars(
    client: UpstoxBroker, keys: dict[str, str], start: date, end: date
) -> pd.DataFrame:
    """Daily bars of every instrument key → symbol in `keys` from start to end (inclusive)."""
    frames = []
    for key, symbol in sorted(keys.items()):
        data = await client.call("GET", candle_path(key, start, end))
        rows = (data or {}).get("candles", []) if isinstance(data, dict) else []
        frames.append(candles_frame(rows, symbol))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)
