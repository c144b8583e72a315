"""Own `desk up`: one asyncio process running the web app, the scheduler and the desk's loops
(market feed → hot path, risk monitor, Telegram bot when configured), stopped cleanly on signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.bootstrap import Container
from app.web.app import create_app
from store.db import transaction
from tools.cards.approval import ApprovalService

log = logging.getLogger("desk.runtime")
Loop = Callable[[], Awaitable[None]]


class DeskRuntime:
    """Start every part of the desk in one event loop; any part failing stops the whole desk."""

    def __init__(self, container: Container, host: str, port: int) -> None:
        self.container = container
        self.host, self.port = host, port
        self.scheduler = AsyncIOScheduler(timezone="Asia/Kolkata")
        self._stop = asyncio.Event()
        self.loops: dict[str, Loop] = {}

    def add_loop(self, name: str, loop: Loop) -> None:
        """Register a long-running coroutine (market feed, risk monitor, bot …)."""
        self.loops[name] = loop

    def expire_cards(self) -> None:
        with transaction(self.container.sessions) as s:
            expired = ApprovalService(self.container.clock, self.container.audit).expire_due(s)
        if expired:
            log.info("expired cards %s", expired)

    def _schedule_core_jobs(self) -> None:
        self.scheduler.add_job(self.expire_cards, "interval", seconds=30, id="expire_cards",
                               max_instances=1, coalesce=True)

    async def _serve_web(self) -> None:
        config = uvicorn.Config(create_app(self.container), host=self.host, port=self.port,
                                log_level="warning", lifespan="on")
        server = uvicorn.Server(config)
        server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        serve = asyncio.create_task(server.serve())
        await self._stop.wait()
        server.should_exit = True
        await serve

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, self._stop.set)
        self._schedule_core_jobs()
        self.scheduler.start()
        tasks = [asyncio.create_task(self._serve_web(), name="web")]
        tasks += [asyncio.create_task(self._guard(name, fn), name=name)
                  for name, fn in self.loops.items()]
        try:
            await self._stop.wait()
        finally:
            self.scheduler.shutdown(wait=False)
            for task in tasks[1:]:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _guard(self, name: str, fn: Loop) -> None:
        try:
            await fn()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s stopped with an error; stopping the desk", name)
            self._stop.set()

    def stop(self) -> None:
        self._stop.set()
