"""The OAuth2 code flow against the fake: authorize redirect, one-time code, token file, 03:30."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from core.clock import FakeClock, to_ist
from core.errors import BrokerError, TokenExpired
from tests.fakes.upstox_server import FakeUpstox
from tools.broker.upstox.auth import TokenStore, authorize_url, exchange_code
from tools.broker.upstox.http import UpstoxBroker


async def test_login_code_exchange_and_daily_expiry(upstox: FakeUpstox, clock: FakeClock,
                                                    tmp_path: Path) -> None:
    url = authorize_url(upstox.base_url, upstox.api_key, upstox.redirect_uri, "s1")
    async with httpx.AsyncClient() as web:
        resp = await web.get(url)  # the browser step: Upstox redirects back with the code
    assert resp.status_code == 302
    query = parse_qs(urlparse(resp.headers["location"]).query)
    assert query["state"] == ["s1"]
    code = query["code"][0]
    session = await exchange_code(upstox.base_url, upstox.api_key, upstox.api_secret,
                                  upstox.redirect_uri, code, clock)
    assert session.user_id == "FAKE01"
    assert (to_ist(session.expires_at).hour, to_ist(session.expires_at).minute) == (3, 30)
    assert session.access_token not in repr(session)
    with pytest.raises(BrokerError, match="login failed"):  # a code works once
        await exchange_code(upstox.base_url, upstox.api_key, upstox.api_secret,
                            upstox.redirect_uri, code, clock)
    store = TokenStore(tmp_path / "upstox-token.json", clock)
    store.save(session)
    assert (tmp_path / "upstox-token.json").stat().st_mode & 0o777 == 0o600
    broker = UpstoxBroker(store.current, clock, base_url=upstox.base_url)
    assert await broker.orders() == []
    clock.advance(timedelta(days=1).total_seconds())
    with pytest.raises(TokenExpired):
        store.current()
    with pytest.raises(TokenExpired):
        await broker.orders()
    await broker.aclose()


async def test_wrong_redirect_uri_is_refused(upstox: FakeUpstox) -> None:
    url = authorize_url(upstox.base_url, upstox.api_key, "http://evil.example/cb", "s")
    async with httpx.AsyncClient() as web:
        resp = await web.get(url)
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["errorCode"] == "UDAPI100068"
