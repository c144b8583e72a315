"""The playbooks API over real HTTP semantics (TestClient) on SQLite and Postgres."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from app.bootstrap import Container
from app.web import api_playbooks
from core.enums import Role
from core.settings import Settings
from store.db import transaction
from tools.accounts import access
from tools.accounts.access import ensure_user

PASSWORD = "pb-pass-for-tests"
BODY = {
    "event_type": "BUYBACK",
    "stance": "BULLISH",
    "regime_match": {"volatility": ["LOW"]},
    "priority_boost": 0.2,
    "tranche_plan": [{"percent": 50}, {"percent": 50, "delay_minutes": 30}],
}


@pytest.fixture
def client(db, clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(
        access, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    container = Container(Settings(database_url=db.url, data_dir=tmp_path / "var"), clock=clock)
    with transaction(container.sessions) as s:
        ensure_user(s, container.audit, clock, "trader", password=PASSWORD, role=Role.TRADER)
        ensure_user(s, container.audit, clock, "viewer", password=PASSWORD, role=Role.VIEWER)
    app = FastAPI()
    app.state.container = container
    api = APIRouter(prefix="/api")
    api.include_router(api_playbooks.router)
    app.include_router(api)
    with TestClient(app) as c:
        yield c


def test_playbook_crud_versioning_and_permissions(client: TestClient) -> None:
    trader, viewer = ("trader", PASSWORD), ("viewer", PASSWORD)
    assert client.get("/api/playbooks").status_code == 401
    assert client.put("/api/playbooks/bb", json=BODY, auth=viewer).status_code == 403
    r = client.put("/api/playbooks/bb", json=BODY, auth=trader)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 1
    assert r.json()["regime_match"] == {"volatility": ["LOW_VOL"]}
    bad = client.put("/api/playbooks/bb", json={**BODY, "priority_boost": 3}, auth=trader)
    assert bad.status_code == 422
    assert bad.json()["detail"]["field"] == "priority_boost"
    r = client.put("/api/playbooks/bb", json={**BODY, "priority_boost": 0.3}, auth=trader)
    assert r.json()["version"] == 2
    r = client.post("/api/playbooks/bb/disable", auth=trader)
    assert r.json()["is_active"] is False
    assert client.get("/api/playbooks", params={"active_only": True}, auth=viewer).json() == []
    hist = client.get("/api/playbooks/bb/history", auth=viewer).json()
    assert [h["action"] for h in hist] == [
        "playbook.created",
        "playbook.updated",
        "playbook.disabled",
    ]
    assert hist[1]["user_id"] == "trader"
    assert client.get("/api/playbooks/nope", auth=viewer).status_code == 404
    assert client.post("/api/playbooks/nope/enable", auth=trader).status_code == 404
