"""Daily candles from the v3 historical-candle API (against the loopback fake) → daily bars."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import FeedError
from tests.integration.broker.conftest import INFY
from tools.broker.upstox.candles import candle_path, candles_frame, daily_bars
from tools.market.calendar import daily_bar_ts

ROWS = [
    ["2025-12-15T00:00:00+05:30", 1601.0, 1620.5, 1590.0, 1610.2, 5_400_000, 0],
    ["2025-12-16T00:00:00+05:30", 1611.0, 1633.0, 1605.5, 1630.0, 6_100_000, 0],
    ["2025-12-12T00:00:00+05:30", 1590.0, 1604.0, 1581.0, 1599.9, 4_900_000, 0],
]


async def test_daily_bars_oldest_first_with_the_desk_timestamp(upstox, client):
    upstox.candles = {INFY: ROWS}
    bars = await daily_bars(client, {INFY: "INFY"}, date(2025, 12, 13), date(2025, 12, 16))
    assert list(bars["ts"]) == [daily_bar_ts(date(2025, 12, 15)), daily_bar_ts(date(2025, 12, 16))]
    assert list(bars["close"]) == [1610.2, 1630.0]
    assert set(bars["source"]) == {"UPSTOX"}
    assert set(bars["symbol"]) == {"INFY"}


async def test_unknown_key_gives_no_bars(upstox, client):
    upstox.candles = {}
    bars = await daily_bars(client, {"NSE_EQ|INE000000000": "NOPE"}, date(2025, 1, 1),
                            date(2025, 12, 16))
    assert bars.empty


def test_key_is_url_encoded_and_span_limited():
    assert "NSE_EQ%7CINE009A01021" in candle_path(INFY, date(2025, 1, 1), date(2025, 12, 1))
    with pytest.raises(ValueError, match="decade"):
        candle_path(INFY, date(2000, 1, 1), date(2025, 1, 1))


def test_malformed_candle_is_a_clear_error():
    with pytest.raises(FeedError, match="INFY: malformed"):
        candles_frame([["2025-12-16T00:00:00+05:30", "abc", 1, 1, 1, 1, 0]], "INFY")
