"""Own the desk's working loops inside `desk up`: the market loop (quotes → intraday management;
each new session → store yesterday's bar, update features, scan for candidates → cards), the hot
path (headline → event → tag → event-driven candidates → cards in seconds) and the feed poller."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select

from app.bootstrap import Container
from core.clock import to_ist
from core.domain import Bar
from core.enums import DataSource, EventSource, ProcessingStatus
from store.db import transaction
from store.models import EventRow
from store.repos.market import latest_bars, upsert_bars
from tools.features.live import LiveFeatureUpdater
from tools.signals.artefacts import Artefact, artefact_exists, load_artefact
from tools.signals.generate import candidates_for_event, generate_candidates

log = logging.getLogger("desk.hotpath")


@dataclass
class HotPathStats:
    """What the worker did, for the logs and the health endpoint."""

    headlines: int = 0
    events_with_cards: int = 0
    cards: int = 0
    scans: int = 0
    latencies_ms: list[float] = field(default_factory=list)


class DeskWorker:
    """Turns market data and news into PENDING cards; the approval flow takes over from there."""

    def __init__(self, container: Container) -> None:
        self.c = container
        self.stats = HotPathStats()
        self._artefact: Artefact | None = None
        self._features: LiveFeatureUpdater | None = None
        self._session_day: date | None = None

    @property
    def artefact(self) -> Artefact | None:
        """The trained signal artefact (loaded once); None until `desk init` has trained one."""
        if self._artefact is None and artefact_exists(self.c.models_dir):
            self._artefact = load_artefact(self.c.models_dir)
        return self._artefact

    # --- cards --------------------------------------------------------------------------------
    def cards_for_event(self, event_id: int) -> list[int]:
        art = self.artefact
        if art is None:
            return []
        with transaction(self.c.sessions) as s:
            candidates = candidates_for_event(s, self.c.clock, art, event_id)
            if not candidates:
                return []
            run = self.c.allocator.run(s, candidates)
        return [card.id for card in run.cards]

    def scan(self) -> list[int]:
        """Score the whole universe as of now (after a session's bars are stored) → cards."""
        art = self.artefact
        if art is None:
            log.warning("no signal artefact: run `desk init` (or `desk signals train`)")
            return []
        with transaction(self.c.sessions) as s:
            candidates = generate_candidates(s, self.c.clock, art, self.c.clock.now())
            run = self.c.allocator.run(s, candidates) if candidates else None
        self.stats.scans += 1
        ids = [card.id for card in run.cards] if run else []
        self.stats.cards += len(ids)
        log.info("scan: %d candidates → %d cards", len(candidates), len(ids))
        return ids

    def on_headline(self, title: str, body: str, source: str, url: str | None,
                    ts: datetime) -> list[int]:
        """The hot path for one headline; returns the ids of the cards it produced."""
        t0 = time.perf_counter()
        event_id = self.c.ingest.ingest_headline(title, body, source, url, ts)
        ids = self.cards_for_event(event_id)
        self.stats.headlines += 1
        self.stats.events_with_cards += bool(ids)
        self.stats.cards += len(ids)
        self.stats.latencies_ms.append((time.perf_counter() - t0) * 1000)
        if ids:
            log.info("headline → %d cards in %.0f ms: %s", len(ids),
                     self.stats.latencies_ms[-1], title[:80])
        return ids

    # --- the daily cycle ----------------------------------------------------------------------
    def close_sessions_before(self, day: date) -> int:
        """Store every complete simulated/replayed daily bar before `day` that the store lacks,
        update features incrementally, then scan for candidates."""
        feed = self.c.market
        if feed is None or not hasattr(feed, "daily_history_frame"):
            return 0
        frame = feed.daily_history_frame()
        with self.c.sessions() as s:
            stored = latest_bars(s)
        last = pd.to_datetime(stored["ts"], utc=True).max() if len(stored) else None
        ts = pd.to_datetime(frame["ts"], utc=True)
        new = frame[(ts > last) if last is not None else ts.notna()]
        new = new[ts.loc[new.index].dt.tz_convert("Asia/Kolkata").dt.date < day]
        if new.empty:
            return 0
        with transaction(self.c.sessions) as s:
            inserted = upsert_bars(s, new)
        self._update_features(new)
        self.scan()
        return inserted

    def _update_features(self, new: pd.DataFrame) -> None:
        if self._features is None:
            self._features = LiveFeatureUpdater.warm(self.c.sessions, self.c.clock)
            return  # warming read the bars just stored
        source = DataSource.SIMULATED if self.c.simulated_data else DataSource.REPLAY
        bars = [Bar(symbol=str(r.symbol), exchange=str(r.exchange), interval="1d",
                    ts=pd.Timestamp(r.ts).to_pydatetime(), open=float(r.open),
                    high=float(r.high), low=float(r.low), close=float(r.close),
                    volume=int(r.volume), source=source)
                for r in new.sort_values("ts").itertuples()]
        self._features.on_bars(bars)

    # --- loops --------------------------------------------------------------------------------
    async def market_loop(self) -> None:
        """Play the feed: every bar's quote goes to the order manager; a new session day closes
        the previous one (bars, features, scan)."""
        feed = self.c.market
        if feed is None:
            return
        if not hasattr(feed, "stream"):  # a live quote stream (Upstox WebSocket) drives itself
            await feed.run()
            return
        symbols = self._symbols()
        broker, manager = self.c.broker, self.c.order_manager
        paper = hasattr(broker, "on_bar")  # the paper broker matches orders against our bars
        async for bar in feed.stream(symbols):
            day = to_ist(bar.ts).date()
            if day != self._session_day:
                self._session_day = day
                await asyncio.to_thread(self.close_sessions_before, day)
            if paper:
                for update in await broker.on_bar(bar):
                    await manager.on_broker_update(update)
            quote = feed.quote(bar.symbol)
            if quote is not None:
                await manager.on_quote(quote)

    async def broker_loop(self) -> None:
        """A real broker's order updates and fills (the paper broker reports via market_loop)."""
        broker, manager = self.c.broker, self.c.order_manager
        if hasattr(broker, "on_bar"):
            return
        async for update in broker.updates():
            await manager.on_broker_update(update)

    async def headline_loop(self) -> None:
        """The simulated market's synthetic headlines, each through the hot path as it happens."""
        feed = self.c.market
        if feed is None or not hasattr(feed, "headlines"):
            return
        async for head in feed.headlines():
            await asyncio.to_thread(self.on_headline, head.title, head.body,
                                    EventSource.SIMULATED.value, None, head.ts)

    async def feed_loop(self, interval_s: float = 60.0) -> None:
        """Poll the real feeds; tag what arrived; event-driven candidates → cards."""
        pipeline = self.c.ingest
        if not pipeline.feeds:
            return
        while True:
            await asyncio.to_thread(self.poll_feeds)
            await self.c.clock.sleep(interval_s)

    def poll_feeds(self) -> dict[str, Any]:
        started = self.c.clock.now()
        report = self.c.ingest.poll_once()
        processed = self.c.ingest.process_pending()
        with self.c.sessions() as s:
            fresh = list(s.scalars(select(EventRow.id).where(
                EventRow.processed_at >= started,
                EventRow.processing_status == ProcessingStatus.PROCESSED.value,
                EventRow.duplicate_of.is_(None)).order_by(EventRow.id)))
        cards = [cid for eid in fresh for cid in self.cards_for_event(eid)]
        return {"new": report.new, "processed": processed.processed, "cards": len(cards)}

    def _symbols(self) -> list[str]:
        with self.c.sessions() as s:
            frame = latest_bars(s)
        return sorted(frame["symbol"].astype(str).unique()) if len(frame) else []
