"""Fixtures for graph tests: a seeded desk (demo accounts, a second user) behind a DeskFacade."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from app.desk_facade import DeskFacade
from store.audit import AuditLog
from store.db import transaction
from tools.accounts.access import ensure_user, grant
from tools.accounts.demo import ensure_demo_accounts


@dataclass
class Desk:
    facade: DeskFacade
    accounts: list[int]
    executed: list[int]
    db: Any


async def make_desk(db: Any, clock: Any, llm: Any = None) -> Desk:
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        accs = [a.id for a in ensure_demo_accounts(s, audit, clock, password="pw-demo-123")]
        viewer = ensure_user(s, audit, clock, "viewer", telegram_user_id=555)
        grant(s, audit, viewer.id, accs[0], can_approve=False)
    executed: list[int] = []

    async def execute(card_id: int) -> dict[str, Any]:
        executed.append(card_id)
        return {"card_id": card_id, "orders": len(executed)}

    facade = DeskFacade(db.sessions, clock, audit, database_url=db.url, llm=llm, executor=execute)
    return Desk(facade, accs, executed, db)


@pytest.fixture
async def desk(db: Any, clock: Any) -> AsyncIterator[Desk]:
    d = await make_desk(db, clock)
    yield d
    await d.facade.aclose()
