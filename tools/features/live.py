"""Own the live/replay feature path: warm from the store, then update and store features per bar."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.domain import Bar
from core.errors import ValidationError
from core.ports import MarketFeed
from store.db import transaction
from store.repos.features import load_flows, write_features
from store.repos.market import load_bars_frame
from tools.features.config import FeatureConfig
from tools.features.incremental import IncrementalFeatures

WARM_UP_DAYS = 400  # calendar days of stored bars that warm every window, the regime's included


class LiveFeatureUpdater:
    """Turn each new daily bar into its feature row and store it, without recomputing history."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Clock, features: IncrementalFeatures
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.features = features

    @classmethod
    def warm(
        cls,
        sessions: sessionmaker[Session],
        clock: Clock,
        config: FeatureConfig | None = None,
        symbols: Sequence[str] | None = None,
        derivatives: pd.DataFrame | None = None,
        vix: pd.Series | None = None,
    ) -> LiveFeatureUpdater:
        """Load stored bars up to clock.now() (and stored flows) into the incremental state."""
        now = clock.now()
        with sessions() as s:
            bars = load_bars_frame(s, symbols, start=now - timedelta(days=WARM_UP_DAYS), end=now)
            flows = load_flows(s)
        inc = IncrementalFeatures.from_history(
            bars, config, flows if len(flows) else None, derivatives, vix
        )
        return cls(sessions, clock, inc)

    def on_bars(self, bars: Sequence[Bar]) -> list[dict[str, Any]]:
        """Update with bars (time order) and store their rows in one transaction."""
        rows = []
        for bar in bars:
            if bar.interval != "1d":
                raise ValidationError(
                    f"{bar.symbol}: only daily bars, got {bar.interval}", field="interval"
                )
            row = self.features.update(bar)
            if row is not None:
                rows.append(row)
        if rows:
            with transaction(self._sessions) as s:
                write_features(s, pd.DataFrame(rows), self._clock)
        return rows

    async def run(self, feed: MarketFeed, symbols: Sequence[str]) -> int:
        """Consume feed.stream(symbols) until it ends; bars of one timestamp are stored together."""
        stored = 0
        batch: list[Bar] = []
        async for bar in feed.stream(symbols):
            if batch and bar.ts != batch[-1].ts:
                stored += len(self.on_bars(batch))
                batch = []
            batch.append(bar)
        if batch:
            stored += len(self.on_bars(batch))
        return stored
