"""Treasury test fixtures: the two demo accounts in a fresh database."""

from __future__ import annotations

import pytest

from core.clock import FakeClock
from store.audit import AuditLog
from store.db import transaction
from tools.accounts.demo import ensure_demo_accounts


@pytest.fixture
def audit(clock: FakeClock) -> AuditLog:
    return AuditLog(clock)


@pytest.fixture
def demo_ids(db, clock, audit) -> tuple[int, int]:
    """(sip account id, lump-sum account id)."""
    with transaction(db.sessions) as s:
        accs = ensure_demo_accounts(s, audit, clock)
    by_type = {a.account_type: a.id for a in accs}
    return by_type["SIP"], by_type["LUMP_SUM"]
