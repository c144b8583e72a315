"""`desk cards / card / approve / reject / intake`: the same facade and rules from a terminal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from app.cli import app
from core.clock import FakeClock
from store.audit import AuditLog
from store.db import transaction
from tests.factories import make_card
from tools.accounts.demo import ensure_demo_accounts


@pytest.fixture
def cli_env(db, tmp_path, monkeypatch):
    monkeypatch.setenv("DESK_DATABASE_URL", db.url)
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path))
    clock = FakeClock(datetime.now(UTC))  # cards must still be live on the CLI's own clock
    with transaction(db.sessions) as s:
        accs = [a.id for a in ensure_demo_accounts(s, AuditLog(clock), clock, "pw-demo-123")]
        cards = [make_card(s, clock, accs[0]) for _ in range(2)]
    return cards


def test_list_approve_reject(cli_env, db):
    a, b = cli_env
    runner = CliRunner()
    listed = runner.invoke(app, ["cards"])
    assert listed.exit_code == 0, listed.output
    assert "INFY" in listed.output
    shown = runner.invoke(app, ["card", str(a.id)])
    assert a.card_hash in shown.output
    ok = runner.invoke(app, ["approve", str(a.id), "--qty", "5"])
    assert ok.exit_code == 0, ok.output
    assert "APPROVED" in ok.output
    again = runner.invoke(app, ["approve", str(a.id)])
    assert again.exit_code == 1
    assert "already APPROVED" in again.output
    rej = runner.invoke(app, ["reject", str(b.id), "--reason", "too close to results"])
    assert "REJECTED" in rej.output
    missing = runner.invoke(app, ["card", "99999"])
    assert missing.exit_code == 2
    assert "does not exist" in missing.output


def test_intake_in_the_terminal(cli_env):
    answers = (
        "\n".join(
            [
                "CLI acct",
                "low risk please",
                "lump sum 1 lakh",
                "3 to 12 days",
                "low",
                "pharma",
                "mean reversion",
                "every trade",
                "yes",
            ]
        )
        + "\n"
    )
    out = CliRunner().invoke(app, ["intake"], input=answers)
    assert out.exit_code == 0, out.output
    assert "saved account" in out.output
