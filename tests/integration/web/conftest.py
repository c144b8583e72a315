"""A real web app (TestClient) on the test database: demo user + accounts, a stranger's account,
a pending card, and an order manager stand-in that records what it was asked to execute."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from app.bootstrap import Container
from app.web.app import create_app
from core.clock import FakeClock
from core.enums import Role
from core.settings import Settings
from store.db import transaction
from tests.factories import make_card
from tools.accounts import access
from tools.accounts.access import ensure_user, grant
from tools.accounts.demo import demo_specs, ensure_demo_accounts
from tools.accounts.schemas import AccountSpec
from tools.accounts.service import create_account

DEMO_PASSWORD = "demo-pass-for-tests"
OTHER_PASSWORD = "other-pass-for-tests"


@dataclass
class RecordingOrderManager:
    """Stands in for tools.execution.manager.OrderManager: records execute_card calls."""

    executed: list[int] = field(default_factory=list)

    async def execute_card(self, card_id: int) -> list[int]:
        self.executed.append(card_id)
        return [1000 + card_id]


@dataclass
class Web:
    client: TestClient
    container: Container
    clock: FakeClock
    demo_accounts: list[int]
    other_account: int
    card_id: int
    orders: RecordingOrderManager

    def login(self, username: str = "demo", password: str = DEMO_PASSWORD) -> None:
        token = login_token(self.client)
        resp = self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token, "next": "/"},
            follow_redirects=False,
        )
        assert resp.status_code == 303, resp.text

    def csrf(self) -> str:
        """The session's CSRF token as the pages embed it."""
        return page_csrf(self.client.get("/").text)


def login_token(client: TestClient) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert match
    return match.group(1)


def page_csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def other_spec(demo_spec: AccountSpec) -> AccountSpec:
    return demo_spec.model_copy(update={"name": "Stranger's account", "owner": "other"})


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2, with test-sized cost (the default costs ~0.3 s per hash on CI machines)."""
    monkeypatch.setattr(
        access, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def web(db, clock: FakeClock, tmp_path: Path) -> Iterator[Web]:  # type: ignore[no-untyped-def]
    settings = Settings(database_url=db.url, data_dir=tmp_path / "var", market="simulated")
    container = Container(settings, clock=clock)
    orders = RecordingOrderManager()
    container.order_manager = orders  # type: ignore[attr-defined]
    with transaction(container.sessions) as s:
        demo = [
            a.id for a in ensure_demo_accounts(s, container.audit, clock, password=DEMO_PASSWORD)
        ]
        other = ensure_user(
            s, container.audit, clock, "other", password=OTHER_PASSWORD, role=Role.TRADER
        )
        other_acc = create_account(
            s, container.audit, clock, other_spec(demo_specs(clock)[0]), user="system"
        ).id
        grant(s, container.audit, other.id, other_acc, can_approve=True)
        card = make_card(s, clock, demo[0]).id
    with TestClient(create_app(container)) as client:
        yield Web(client, container, clock, demo, other_acc, card, orders)
