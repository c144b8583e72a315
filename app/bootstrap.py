"""Own the composition root: read Settings once and choose every implementation (SQLite or Postgres,
simulated/replayed/live market, paper or Upstox broker, offline judge or LLM, Telegram or nothing).
Components are built lazily so a command only pays for what it uses."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.clock import IST, Clock, LiveClock, ReplayClock
from core.settings import Settings
from store.audit import AuditLog
from store.db import make_engine, session_factory, transaction, upgrade

log = logging.getLogger("desk")


class Container:
    """Everything the running desk needs, wired once and passed down (never globals)."""

    def __init__(self, settings: Settings | None = None, clock: Clock | None = None) -> None:
        self.settings = settings or Settings()
        self._clock = clock

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
        return self.settings.market != "upstox"

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
