"""Own the composition root: read Settings once and choose every implementation (SQLite or Postgres,
simulated/replayed/live market, paper or Upstox broker, offline judge or LLM, Telegram or nothing).
Components are built lazily so a command only pays for what it uses."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.clock import IST, Clock, LiveClock, ReplayClock, to_ist
from core.settings import Settings
from store.audit import AuditLog
from store.db import make_engine, session_factory, transaction, upgrade

log = logging.getLogger("desk")
HISTORY_DAYS = 500  # simulated sessions of daily history before the first live session
LIVE_DAYS = 250  # simulated sessions the live feed can play


class Container:
    """Everything the running desk needs, wired once and passed down (never globals)."""

    def __init__(self, settings: Settings | None = None, clock: Clock | None = None) -> None:
        self.settings = settings or Settings()
        self._clock = clock
        # False in short-lived client processes (the CLI): they record decisions and leave the
        # orders to the running desk, which owns the broker session.
        self.executes_orders = True

    # --- time and store -------------------------------------------------------------------
    @cached_property
    def clock(self) -> Clock:
        if self._clock is not None:
            return self._clock
        if self.settings.market == "upstox":
            return LiveClock()
        # Simulated and replayed markets run on clock time that starts at the open of the last
        # full session before today and moves `replay_speed` times faster than the wall clock.
        from tools.market.calendar import NseCalendar

        cal = NseCalendar()
        today = datetime.now(UTC).astimezone(IST).date()
        return ReplayClock(cal.session_open(cal.previous_session(today)),
                           speed=self.settings.replay_speed)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return session_factory(self.engine)

    @cached_property
    def audit(self) -> AuditLog:
        return AuditLog(self.clock)

    def migrate(self) -> None:
        """Bring the schema to head (Alembic is the only schema path)."""
        upgrade(self.engine)

    @property
    def data_dir(self) -> Path:
        path = Path(self.settings.data_dir)
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def simulated(self) -> bool:
        """True when the market is not live (simulated or replayed): every view says so."""
        return self.settings.market != "upstox"

    @property
    def simulated_data(self) -> bool:
        """True when prices themselves are synthetic (not a replay of real bars)."""
        return self.settings.market == "simulated"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    # --- market and execution -------------------------------------------------------------
    @cached_property
    def simulator(self) -> Any:
        """The seeded simulator: HISTORY_DAYS past sessions, then the live days after them."""
        from tools.market.instruments import default_universe
        from tools.market.sim_paths import SimParams
        from tools.market.simulator import MarketSimulator, start_for_history

        today = to_ist(self.clock.now()).date()
        first = start_for_history(HISTORY_DAYS, today)
        params = SimParams(event_rate=self.settings.sim_event_rate)
        return MarketSimulator(self.settings.sim_seed, default_universe(), first, params=params)

    @cached_property
    def market(self) -> Any:
        """Bars and quotes: the simulated market, a replay of stored bars, or Upstox's live
        market-data WebSocket (quotes for every instrument with an Upstox key)."""
        from tools.market.feed import ReplayFeed, SimulatedFeed

        if self.settings.market == "simulated":
            return SimulatedFeed(self.simulator, self.clock, horizon_days=HISTORY_DAYS + LIVE_DAYS)
        if self.settings.market == "replay":
            return ReplayFeed.from_store(self.sessions, self.clock)
        from store.repos.market import list_instruments
        from tools.broker.upstox.ws import MarketDataStream

        with self.sessions() as s:
            keys = {i.instrument_key: i.symbol for i in list_instruments(s) if i.instrument_key}

        async def on_quote(quote: Any) -> None:
            await self.order_manager.on_quote(quote)

        return MarketDataStream(self.upstox_client, keys, on_quote=on_quote)

    def tick_for(self, symbol: str) -> Decimal | None:
        from store.repos.market import get_instrument

        with self.sessions() as s:
            inst = get_instrument(s, symbol)
        return inst.tick_size if inst else None

    @cached_property
    def upstox_client(self) -> Any:
        """The Upstox REST client of the running desk (one event loop for its lifetime)."""
        return self.new_upstox_client()

    def new_upstox_client(self) -> Any:
        """An Upstox REST client on the day's token (from DESK_UPSTOX_ACCESS_TOKEN or the file
        `desk upstox login` writes); an expired token raises TokenExpired at the first call.
        A short-lived event loop (a CLI step) takes its own client and closes it."""
        from tools.broker.upstox.auth import TokenStore
        from tools.broker.upstox.http import UpstoxBroker

        store = TokenStore(self.data_dir / "upstox-token.json", self.clock)
        configured = self.settings.upstox_access_token

        def token() -> str:
            if configured is not None:
                return configured.get_secret_value()
            return store.current()

        return UpstoxBroker(token, self.clock, base_url=self.settings.upstox_base_url,
                            hft_url=self.settings.upstox_hft_url)

    @cached_property
    def broker(self) -> Any:
        if self.settings.broker == "upstox":
            return self.upstox_client
        from tools.broker.paper import PaperBroker

        return PaperBroker(self.clock, self.market,
                           mis_squareoff_ist=self.settings.mis_squareoff_ist,
                           tick_for=self.tick_for)

    @cached_property
    def notifier(self) -> Any:
        """Hands notices to Telegram once the bot runs; drops them (never raises) until then."""
        from bot.notify import RelayNotifier

        return RelayNotifier()

    @cached_property
    def order_manager(self) -> Any:
        from tools.execution.manager import OrderManager

        return OrderManager(self.sessions, self.broker, self.clock, self.audit, self.market,
                            notifier=self.notifier)

    @cached_property
    def risk_monitor(self) -> Any:
        from tools.risk.monitor import RiskMonitor

        return RiskMonitor(self.sessions, self.clock, self.audit, self.market,
                           notifier=self.notifier)

    # --- research, judge, cards -------------------------------------------------------------
    @cached_property
    def llm(self) -> Any:
        """ChatOpenAI on any OpenAI-compatible endpoint, or None (offline twins everywhere)."""
        if not self.settings.llm_configured:
            return None
        from langchain_openai import ChatOpenAI

        key = self.settings.llm_api_key.get_secret_value() if self.settings.llm_api_key else "none"
        return ChatOpenAI(base_url=self.settings.llm_base_url, api_key=key,
                          model=self.settings.llm_model, timeout=self.settings.llm_timeout_s,
                          max_retries=0)

    @cached_property
    def judge(self) -> Any:
        from agents.judge.judge import JudgeAgent

        return JudgeAgent(self.llm)

    @cached_property
    def allocator(self) -> Any:
        """The card maker: filters → rank → size → guardrails → judge → PENDING card."""
        from tools.alloc.cardmaker import CardMaker

        return CardMaker(self.clock, self.audit, self.judge,
                         ttl_minutes=self.settings.card_ttl_minutes)

    @cached_property
    def embedder(self) -> Any:
        from tools.nlp.embedder import HashingEmbedder, MiniLMEmbedder

        try:
            return MiniLMEmbedder(num_threads=1)
        except ImportError:
            log.warning("torch/sentence-transformers missing: hashing embedder (no semantics)")
            return HashingEmbedder()

    @cached_property
    def tagger(self) -> Any:
        from store.repos.market import list_instruments
        from tools.market.instruments import default_universe
        from tools.nlp.llm_tagger import LLMTagger
        from tools.nlp.tagger import OfflineTagger

        with self.sessions() as s:
            instruments = list_instruments(s) or default_universe()
        offline = OfflineTagger(instruments, self.embedder)
        return LLMTagger(self.llm, offline) if self.llm is not None else offline

    @cached_property
    def ingest(self) -> Any:
        from tools.ingest.http import FeedHttp
        from tools.ingest.pipeline import IngestPipeline
        from tools.ingest.sources import default_feeds

        feeds: list[Any] = []
        if not self.simulated_data:  # a simulated desk reads no real news
            newsapi = self.settings.newsapi_key
            feeds = default_feeds(FeedHttp(), self.clock,
                                  [u for u in self.settings.rss_urls.split(",") if u.strip()],
                                  newsapi.get_secret_value() if newsapi else None)
        return IngestPipeline(self.sessions, self.clock, self.audit, self.tagger, self.embedder,
                              feeds)

    @cached_property
    def facade(self) -> Any:
        """The one service facade the web, the bot and the CLI share in this process."""
        from app.desk_facade import DeskFacade

        facade = DeskFacade.from_container(self)
        facade.judge = self.judge
        return facade

    # --- offline default seed ---------------------------------------------------------------
    def seed_demo(self) -> str | None:
        """Create the demo user + two demo accounts if missing; returns a new password or None."""
        from tools.accounts.access import sync_telegram_users, user_by_username
        from tools.accounts.demo import DEMO_USER, ensure_demo_accounts

        password: str | None = None
        with transaction(self.sessions) as s:
            if user_by_username(s, DEMO_USER) is None:
                password = secrets.token_urlsafe(9)
                self._write_demo_password(password)
            ensure_demo_accounts(s, self.audit, self.clock, password=password)
            mapping = self.settings.telegram_access()
            if mapping:
                sync_telegram_users(s, self.audit, self.clock, mapping)
        return password

    def _write_demo_password(self, password: str) -> None:
        path = self.data_dir / "demo-password.txt"
        path.write_text(password + "\n", encoding="utf-8")
        path.chmod(0o600)

    def describe(self) -> dict[str, Any]:
        """A redacted summary of what was chosen, safe to print or log."""
        return {"database": self.settings.redacted()["database_url"],
                "market": self.settings.market, "broker": self.settings.broker,
                "judge": "llm" if self.settings.llm_configured else "offline",
                "telegram": bool(self.settings.telegram_bot_token),
                "simulated": self.simulated}
