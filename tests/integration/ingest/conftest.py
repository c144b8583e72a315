"""Fixtures for ingestion integration tests: the loopback feeds server and a fast HTTP client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.feeds_server import FakeFeedsServer
from tools.ingest.http import FeedHttp


@pytest.fixture
def feeds_server() -> Iterator[FakeFeedsServer]:
    with FakeFeedsServer() as srv:
        yield srv


@pytest.fixture
def http() -> Iterator[FeedHttp]:
    client = FeedHttp(timeout_s=5.0, attempts=3, backoff_s=0.0)
    yield client
    client.close()
