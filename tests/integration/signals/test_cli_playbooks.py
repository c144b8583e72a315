"""`desk playbooks …` against a real SQLite store: seed, set (validated), disable, show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DESK_DATABASE_URL", f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path / "var"))
    return tmp_path


def test_playbooks_cli_round_trip(env: Path) -> None:
    run = CliRunner()
    listed = run.invoke(app, ["playbooks", "list"])
    assert listed.exit_code == 0, listed.output
    assert "buyback-low-vol" in listed.output
    spec = env / "pb.json"
    spec.write_text(json.dumps({"event_type": "DIVIDEND", "priority_boost": 0.05}))
    assert run.invoke(app, ["playbooks", "set", "div", "--file", str(spec)]).exit_code == 0
    assert "v2" in run.invoke(app, ["playbooks", "disable", "div"]).output
    shown = run.invoke(app, ["playbooks", "show", "div"])
    assert '"is_active": false' in shown.output
    assert "playbook.disabled" in shown.output
    spec.write_text(json.dumps({"event_type": "DIVIDEND", "priority_boost": 5}))
    bad = run.invoke(app, ["playbooks", "set", "div", "--file", str(spec)])
    assert bad.exit_code == 2
    assert "priority_boost" in bad.output
    assert run.invoke(app, ["playbooks", "show", "nope"]).exit_code == 2
