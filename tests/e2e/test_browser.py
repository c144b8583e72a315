"""Headless chromium drives the dashboard: sign in, approve a card made by the real pipeline from
the simulated market, see the paper order and position, open the trade's audit timeline in at
most 3 clicks, verify the chain and download the EOD PDF. Screenshots go to
test-artifacts/screenshots/ (not committed)."""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from argon2 import PasswordHasher

from agents.judge.judge import JudgeAgent
from app.bootstrap import Container
from app.web.app import create_app
from core.clock import IST, FakeClock
from core.settings import Settings
from store.db import transaction, upgrade
from tests.integration.alloc.bars import candidates_from_bars, store_signals
from tools.accounts import access
from tools.accounts.demo import ensure_demo_accounts
from tools.alloc.cardmaker import make_cards
from tools.broker.paper import PaperBroker
from tools.execution.manager import OrderManager
from tools.market.feed import SimulatedFeed
from tools.market.simulator import MarketSimulator
from tools.treasury.schedule import TreasuryScheduler

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "browser-test-password"
NOW = datetime(2025, 12, 16, 10, 30, tzinfo=IST)


class _Server(uvicorn.Server):
    loop: asyncio.AbstractEventLoop | None = None

    def install_signal_handlers(self) -> None:  # the test thread owns signals
        pass

    async def startup(self, sockets: Any = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().startup(sockets)


@dataclass
class Desk:
    base: str
    server: _Server
    container: Container
    feed: SimulatedFeed
    broker: PaperBroker
    manager: OrderManager


def _seed(container: Container, feed: SimulatedFeed) -> None:
    """Demo user and accounts, funded; cards from the simulated market through the card maker."""
    clock = container.clock
    bars = feed.daily_history_frame()
    sectors = {i.symbol: i.sector for i in feed.sim.instruments}
    candidates = candidates_from_bars(bars, sectors, clock.now())
    with transaction(container.sessions) as s:
        ensure_demo_accounts(s, container.audit, clock, password=PASSWORD)
        TreasuryScheduler(clock, container.audit).run(s)
        store_signals(s, candidates)
        run = make_cards(s, clock, container.audit, candidates, JudgeAgent(None))
    assert any(c.status == "PENDING" for c in run.cards), "the pipeline made no pending card"


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium missing on CI: run .ci/browser.sh")
        pytest.skip("Debian chromium not installed (run .ci/browser.sh)")
    monkeypatch.setattr(
        access, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    upgrade(url)
    clock = FakeClock(NOW)
    container = Container(Settings(database_url=url, data_dir=tmp_path / "var"), clock=clock)
    feed = SimulatedFeed(MarketSimulator(7, 24, date(2025, 8, 1)), clock, horizon_days=110)
    broker = PaperBroker(clock, feed)
    manager = OrderManager(container.sessions, broker, clock, container.audit, feed)
    container.order_manager = manager  # type: ignore[attr-defined]
    _seed(container, feed)
    server = _Server(
        uvicorn.Config(
            create_app(container), host="127.0.0.1", port=0, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            pytest.fail("the web server did not start")
        threading.Event().wait(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield Desk(f"http://127.0.0.1:{port}", server, container, feed, broker, manager)
    server.should_exit = server.force_exit = True  # the browser is closed: do not linger
    thread.join(timeout=10)


def _pump_quotes(desk: Desk, symbol: str) -> None:
    """Let the paper broker see the market price once and the order manager react to it,
    on the web server's event loop (where the approval placed the order)."""

    async def pump() -> None:
        quote = desk.feed.quote(symbol)
        assert quote is not None
        for update in await desk.broker.on_quote(quote):
            await desk.manager.on_broker_update(update)
        await desk.manager.on_quote(quote)

    assert desk.server.loop is not None
    asyncio.run_coroutine_threadsafe(pump(), desk.server.loop).result(timeout=30)


def _shot(page: Any, name: str) -> None:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _approve_first_card(page: Any) -> tuple[int, str]:
    page.get_by_role("link", name="Approval queue").click()
    section = page.locator("section.card", has=page.locator("form.inline")).first
    card_id = int(section.get_attribute("id").split("-")[1])
    symbol = section.locator("h3").inner_text().split("·")[1].split()[0]
    _shot(page, "2-approval-queue")
    section.get_by_role("button", name=re.compile(r"^Approve \d+")).click()
    page.wait_for_url(re.compile(rf"/cards/{card_id}\?done=APPROVED"))
    assert "Card approved." in page.inner_text("main")
    assert "orders sent to the broker" in page.inner_text("main")
    return card_id, symbol


def test_sign_in_approve_see_position_audit_and_download_pdf(desk: Desk) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        page = browser.new_context(accept_downloads=True).new_page()
        page.goto(desk.base + "/")
        assert "/login" in page.url
        page.fill("#username", "demo")
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(desk.base + "/")
        assert page.locator("#simulated-banner").is_visible()
        _shot(page, "1-home")

        card_id, symbol = _approve_first_card(page)
        _shot(page, "3-card-approved")
        _pump_quotes(desk, symbol)

        # from home: Positions (1) -> the card (2) -> its audit timeline (3)
        page.goto(desk.base + "/")
        page.get_by_role("link", name="Positions & orders").click()
        row = page.locator(f"tr[data-position]:has(a[href='/cards/{card_id}'])")
        row.wait_for()
        assert symbol in row.inner_text()
        assert "FILLED" in page.inner_text("table.orders")
        _shot(page, "4-positions")
        row.get_by_role("link", name=f"#{card_id}").click()
        page.locator("#audit-link").click()
        page.wait_for_url(re.compile(rf"/audit/cards/{card_id}$"))
        timeline = page.inner_text("#timeline")
        assert "CARD_CREATED" in timeline
        assert "CARD_APPROVED" in timeline
        assert re.search(r"hash [0-9a-f]{64}", timeline)
        page.locator("#verify-chain").click()
        page.locator("#verify-result").wait_for()
        assert "Chain verified" in page.inner_text("#verify-result")
        _shot(page, "5-audit-timeline")

        for path, name in (("/risk", "6-risk"), ("/accounts/1", "7-account")):
            page.goto(desk.base + path)
            _shot(page, name)

        page.goto(desk.base + "/reports")
        page.locator("#generate-form button").click()
        page.wait_for_url(re.compile(r"/reports/\d+$"))
        _shot(page, "8-report")
        with page.expect_download() as info:
            page.locator("#pdf-download").click()
        target = ARTIFACTS / "eod-report.pdf"
        info.value.save_as(str(target))
        assert target.read_bytes().startswith(b"%PDF")
        browser.close()
