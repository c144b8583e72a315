"""Own `desk up`: one asyncio process running the web app, the scheduler and the desk's loops
(market feed → hot path, risk monitor, Telegram bot when configured), stopped cleanly on signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.bootstrap import Container
from app.web.app import create_app
from core.errors import DeskError
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
        self.worker: Any = None

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
        await self._started()
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
        else:
            log.info("%s finished", name)

    async def _started(self) -> None:
        """Reconcile with the broker before anything new is placed (adopt fills, re-arm stops)."""
        manager = getattr(self.container, "order_manager", None)
        if manager is not None:
            report = await manager.reconcile()
            log.info("start-up reconciliation: %s", report)

    def stop(self) -> None:
        self._stop.set()


def build_runtime(container: Container, host: str, port: int) -> DeskRuntime:
    """Wire every loop and job of the desk for this container's configuration."""
    from app.desk_bot import push_daily_summary, telegram_loop
    from app.hotpath import DeskWorker
    from app.jobs_reports import register_report_jobs

    c = container
    rt = DeskRuntime(c, host, port)
    worker = DeskWorker(c)
    rt.worker = worker
    jobs = _Jobs(c)

    async def first_scan() -> None:
        await asyncio.to_thread(jobs.treasury)  # credit SIPs / release tranches due by today
        await asyncio.to_thread(worker.scan)

    rt.add_loop("first-scan", first_scan)
    if c.market is not None:
        rt.add_loop("market", worker.market_loop)
        rt.add_loop("headlines", worker.headline_loop)
    rt.add_loop("feeds", worker.feed_loop)
    rt.add_loop("broker", worker.broker_loop)
    rt.add_loop("risk", jobs.risk_loop)
    bot = telegram_loop(c)
    if bot is not None:
        rt.add_loop("telegram", bot)
    rt.scheduler.add_job(c.facade.sweep_pending, "interval", seconds=3, id="sweep_pending",
                         max_instances=1, coalesce=True)
    rt.scheduler.add_job(jobs.execute_approved, "interval", seconds=2, id="execute_approved",
                         max_instances=1, coalesce=True)
    rt.scheduler.add_job(c.order_manager.reconcile, "interval", minutes=5, id="reconcile",
                         max_instances=1, coalesce=True)
    rt.scheduler.add_job(jobs.housekeeping, "interval", minutes=5, id="housekeeping",
                         max_instances=1, coalesce=True)
    # idempotent: credits what is due by the desk clock's date and books fills into the ledger
    rt.scheduler.add_job(jobs.treasury, "interval", minutes=5, id="treasury",
                         max_instances=1, coalesce=True)
    rt.scheduler.add_job(push_daily_summary, "cron", hour=16, minute=5, id="daily_summary",
                         args=[c.facade, c.notifier], max_instances=1, coalesce=True)
    register_report_jobs(rt.scheduler, c)
    return rt


class _Jobs:
    """Small scheduled chores that only move the store forward (each in one transaction)."""

    def __init__(self, container: Container) -> None:
        self.c = container

    async def execute_approved(self) -> None:
        """Send the orders of cards approved elsewhere (CLI, another process). Execution is
        idempotent per (card, leg), so a card the web or bot already executed sends nothing."""
        from sqlalchemy import select

        from core.enums import CardStatus
        from store.models import TradeCardRow

        with self.c.sessions() as s:
            ids = list(s.scalars(select(TradeCardRow.id).where(
                TradeCardRow.status == CardStatus.APPROVED.value).order_by(TradeCardRow.id)))
        for card_id in ids:
            try:
                await self.c.order_manager.execute_card(card_id)
            except DeskError as exc:  # refused (risk, kill switch …): audited by the manager
                log.warning("card %s not executed: %s", card_id, exc)

    async def risk_loop(self) -> None:
        """Risk snapshots and kill switches every DESK_RISK_TICK_SECONDS of wall time (a fast
        simulated clock must not multiply the monitor's writes)."""
        monitor, manager = self.c.risk_monitor, self.c.order_manager
        while True:
            await asyncio.to_thread(monitor.tick)
            await monitor.flush_notifications()
            await manager.enforce_switches()  # cancel/flatten even when no prices arrive
            await asyncio.sleep(self.c.settings.risk_tick_seconds)

    def housekeeping(self) -> None:
        from store.repos.signals import expire_signals

        with transaction(self.c.sessions) as s:
            n = expire_signals(s, self.c.clock.now())
        if n:
            log.info("expired %d signals", n)

    def treasury(self) -> None:
        from tools.treasury.schedule import TreasuryScheduler

        with transaction(self.c.sessions) as s:
            TreasuryScheduler(self.c.clock, self.c.audit).run(s)
