from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from store.audit import AuditLog, verify_chain
from store.db import transaction


def _fill(db, clock, n=5):
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        for i in range(n):
            clock.advance(1)
            audit.append(s, "TEST", {"i": i, "amount": Decimal("10.50"), "api_token": "abc"},
                         category="SYSTEM", account_id=None)
    return audit


def test_fresh_chain_verifies(db, clock):
    _fill(db, clock)
    with db.sessions() as s:
        result = verify_chain(s)
    assert result.ok
    assert result.rows_checked == 5


def test_secrets_are_redacted(db, clock):
    _fill(db, clock, 1)
    with db.sessions() as s:
        payload = s.execute(text("SELECT payload FROM audit_logs")).scalar_one()
    assert "abc" not in str(payload)


def test_empty_chain_verifies(db):
    with db.sessions() as s:
        assert verify_chain(s).ok


@pytest.mark.parametrize(
    ("sql", "expect_id", "word"),
    [
        ("UPDATE audit_logs SET payload = '{\"i\": 99}' WHERE id = 3", 3, "edited"),
        ("UPDATE audit_logs SET action_type = 'X' WHERE id = 2", 2, "edited"),
        ("DELETE FROM audit_logs WHERE id = 3", 4, "deleted"),
        ("UPDATE audit_logs SET seq = seq + 100 WHERE id = 2", 2, "seq"),
    ],
)
def test_tampering_is_named_on_sqlite(sqlite_db, clock, sql, expect_id, word):
    _fill(sqlite_db, clock)
    with sqlite_db.engine.begin() as conn:
        conn.execute(text(sql))
    with sqlite_db.sessions() as s:
        result = verify_chain(s)
    assert not result.ok
    assert result.first_bad_id == expect_id
    assert word in result.problem or "sequence" in result.problem


def test_postgres_refuses_update_and_delete(pg_db, clock):
    _fill(pg_db, clock)
    for sql in ("UPDATE audit_logs SET action_type='X' WHERE id=1", "DELETE FROM audit_logs",
                "TRUNCATE audit_logs"):
        with pytest.raises(DBAPIError, match="append-only"), pg_db.engine.begin() as conn:
            conn.execute(text(sql))
    with pg_db.sessions() as s:
        assert verify_chain(s).ok
