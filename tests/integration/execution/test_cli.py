"""`desk kill`, `kill reset`, `risk`, `positions`, `orders` on a real database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import app
from core.clock import FakeClock
from store.db import transaction
from store.models import KillSwitchRow
from tools.risk import switches

from .conftest import seed_account


@pytest.fixture
def env(db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("DESK_DATABASE_URL", db.url)
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    return db


def test_kill_then_reset_from_the_command_line(env: Any, clock: FakeClock) -> None:
    account = seed_account(env, clock)
    runner = CliRunner()
    out = runner.invoke(app, ["kill", "--account", str(account), "--reason", "odd tape"])
    assert out.exit_code == 0, out.output
    assert "KILLED" in out.output
    with transaction(env.sessions) as s:
        row = s.scalar(select(KillSwitchRow))
        assert row.trigger_reason == "odd tape"
        assert switches.entries_paused(s, account)
        switch_id = row.id
    assert runner.invoke(app, ["risk"]).exit_code == 0
    assert runner.invoke(app, ["positions"]).exit_code == 0
    assert runner.invoke(app, ["orders", "--status", "OPEN"]).exit_code == 0
    out = runner.invoke(app, ["kill", "reset", str(switch_id), "--user", "me"])
    assert out.exit_code == 0, out.output
    with transaction(env.sessions) as s:
        assert not switches.entries_paused(s, account)


def test_kill_needs_a_reason_and_a_real_account(env: Any) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["kill"]).exit_code != 0
    out = runner.invoke(app, ["kill", "--account", "999", "--reason", "x y z"])
    assert out.exit_code == 2
    assert "does not exist" in out.output
