"""The execution API router on a real app and database: visibility, kill and reset rights."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.bootstrap import Container
from app.web.api_execution import router
from core.clock import FakeClock
from core.enums import Role
from core.settings import Settings
from store.db import transaction
from tools.accounts import access
from tools.risk import switches

from .conftest import add_card, seed_account


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def api(db: Any, clock: FakeClock, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, int, int]]:
    monkeypatch.setattr(access, "_HASHER",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    container = Container(Settings(database_url=db.url, data_dir=tmp_path), clock=clock)
    mine, theirs = seed_account(db, clock), seed_account(db, clock)
    add_card(db, clock, mine)
    with transaction(container.sessions) as s:
        trader = access.ensure_user(s, container.audit, clock, "trader", password="pw-trader")
        access.grant(s, container.audit, trader.id, mine, can_approve=True)
        access.ensure_user(s, container.audit, clock, "boss", password="pw-boss", role=Role.ADMIN)
        switches.manual_kill(s, container.audit, theirs, "theirs", "boss", clock=clock)
    app = FastAPI()
    app.state.container = container
    app.include_router(router, prefix="/api")
    with TestClient(app) as client:
        yield client, mine, theirs


def test_trader_sees_only_own_account_and_can_kill_and_reset_it(
        api: tuple[TestClient, int, int]) -> None:
    client, mine, theirs = api
    me = basic("trader", "pw-trader")
    assert client.get("/api/execution/positions", headers=me).json() == []
    assert client.get(f"/api/execution/orders?account_id={theirs}", headers=me).status_code == 404
    assert client.get("/api/execution/kill-switches", headers=me).json() == []
    resp = client.post("/api/execution/kill-switches", headers=me,
                       json={"account_id": mine, "reason": "news looks odd"})
    assert resp.status_code == 201, resp.text
    switch = resp.json()
    assert switch["is_triggered"] is True
    assert switch["actions"]["pause_entries"] is True
    assert client.post("/api/execution/kill-switches", headers=me,
                       json={"reason": "everything"}).status_code == 403
    done = client.post(f"/api/execution/kill-switches/{switch['id']}/reset", headers=me)
    assert done.status_code == 200
    assert done.json()["is_triggered"] is False
    assert client.get("/api/execution/positions", headers={}).status_code == 401


def test_admin_sees_everything_and_may_kill_the_portfolio(
        api: tuple[TestClient, int, int]) -> None:
    client, _, theirs = api
    boss = basic("boss", "pw-boss")
    listed = client.get("/api/execution/kill-switches", headers=boss).json()
    assert [s["account_id"] for s in listed] == [theirs]
    resp = client.post("/api/execution/kill-switches", headers=boss,
                       json={"reason": "global halt", "flatten": True})
    assert resp.status_code == 201
    assert resp.json()["account_id"] is None
    assert resp.json()["actions"]["flatten"] is True
    assert client.get("/api/execution/risk", headers=boss).json() == []
