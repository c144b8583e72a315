"""Fixtures for the Upstox adapter tests: the loopback fake server and a client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from core.clock import FakeClock
from tests.fakes.upstox_server import FakeUpstox
from tools.broker.upstox.http import UpstoxBroker

INFY = "NSE_EQ|INE009A01021"


@pytest.fixture
def upstox(clock: FakeClock) -> Iterator[FakeUpstox]:
    with FakeUpstox(clock) as srv:
        srv.add_instrument(INFY, "INFY", "100", tick="0.05", lower="80", upper="120")
        yield srv


@pytest.fixture
async def client(upstox: FakeUpstox, clock: FakeClock) -> AsyncIterator[UpstoxBroker]:
    token = upstox.issue_token()
    broker = UpstoxBroker(lambda: token, clock, base_url=upstox.base_url, timeout_s=0.3)
    yield broker
    await broker.aclose()
