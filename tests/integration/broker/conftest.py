"""Fixtures for the Upstox adapter tests: the loopback fake server and a client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from core.clock import FakeClock
from tests.fakes.upstox_server import FakeUpstox
from tools.broker.upstox.http import UpstoxBroker

INFY = "NSE_EQ|INE009A01021"


@pytest.fixture(scope="session")
def _upstox_process() -> Iterator[FakeUpstox]:
    from datetime import datetime

    from core.clock import IST

    with FakeUpstox(FakeClock(datetime(2025, 12, 16, 9, 15, tzinfo=IST))) as srv:
        yield srv


@pytest.fixture
def upstox(_upstox_process: FakeUpstox, clock: FakeClock) -> FakeUpstox:
    _upstox_process.reset(clock)
    _upstox_process.add_instrument(INFY, "INFY", "100", tick="0.05", lower="80", upper="120")
    return _upstox_process


@pytest.fixture
async def client(upstox: FakeUpstox, clock: FakeClock) -> AsyncIterator[UpstoxBroker]:
    token = upstox.issue_token()
    broker = UpstoxBroker(lambda: token, clock, base_url=upstox.base_url, timeout_s=0.3)
    yield broker
    await broker.aclose()
