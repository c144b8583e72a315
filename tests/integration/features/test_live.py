"""The live/replay path: warm from the store, update per bar, store rows equal to a full build."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from core.clock import IST, FakeClock
from core.domain import Bar
from core.errors import ValidationError
from store.db import transaction
from store.repos.features import feature_history
from store.repos.market import upsert_bars
from tools.features.build import build_features
from tools.features.live import LiveFeatureUpdater

CUT = pd.Timestamp("2023-11-01 16:00", tz=IST)


def _bars(frame: pd.DataFrame) -> list[Bar]:
    frame = frame.sort_values(["ts", "symbol"], kind="stable")
    return [
        Bar(
            symbol=r.symbol,
            exchange=r.exchange,
            interval="1d",
            ts=r.ts.to_pydatetime(),
            open=r.open,
            high=r.high,
            low=r.low,
            close=r.close,
            volume=int(r.volume),
        )
        for r in frame.itertuples()
    ]


class ListFeed:
    """A MarketFeed that streams a fixed list of bars."""

    simulated = True

    def __init__(self, bars: list[Bar]) -> None:
        self._bars = bars

    def history(self, symbol: str, interval: str, start: datetime, end: datetime) -> list[Bar]:
        return [b for b in self._bars if b.symbol == symbol and start <= b.ts <= end]

    def quote(self, symbol: str) -> None:
        return None

    async def stream(self, symbols: Sequence[str]) -> AsyncIterator[Bar]:
        for bar in self._bars:
            if bar.symbol in symbols:
                yield bar


def _setup(db, small_bars: pd.DataFrame) -> tuple[LiveFeatureUpdater, pd.DataFrame]:
    history = small_bars[small_bars["ts"] <= CUT]
    with transaction(db.sessions) as s:
        upsert_bars(s, history)
    clock = FakeClock(CUT.to_pydatetime())
    return LiveFeatureUpdater.warm(db.sessions, clock), small_bars[small_bars["ts"] > CUT]


async def test_streamed_bars_are_stored_equal_to_a_full_build(db, small_bars):
    updater, new = _setup(db, small_bars)
    stored = await updater.run(ListFeed(_bars(new)), ["TCS", "INFY", "ITC"])
    assert stored == len(new)
    full = build_features(small_bars)
    full = full[full["ts"] > CUT].sort_values(["symbol", "timestamp"]).reset_index(drop=True)
    with db.sessions() as s:
        got = feature_history(s, None, None, None)
    assert len(got) == len(full)
    for col in ("close", "momentum_20d", "rsi_14", "atr_14d", "realized_vol_20d", "adv_20d_inr"):
        np.testing.assert_allclose(got[col], full[col], rtol=1e-9, err_msg=col)
    assert got["regime_label"].tolist() == full["regime_label"].astype(object).tolist()
    assert (got["timestamp"] == full["timestamp"]).all()


def test_intraday_bars_are_refused(sqlite_db, small_bars):
    updater, new = _setup(sqlite_db, small_bars)
    bar = _bars(new)[0]
    intraday = Bar(**{**{f: getattr(bar, f) for f in bar.__slots__}, "interval": "5m"})
    with pytest.raises(ValidationError):
        updater.on_bars([intraday])
