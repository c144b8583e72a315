"""The `desk ingest status` command against a fresh SQLite file."""

from __future__ import annotations

from typer.testing import CliRunner

from app.cli import app


def test_ingest_status_on_empty_store(tmp_path, monkeypatch):
    monkeypatch.setenv("DESK_DATABASE_URL", f"sqlite:///{tmp_path}/desk.sqlite3")
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["ingest", "status"])
    assert result.exit_code == 0, result.output
    assert "no events yet" in result.output
    assert (tmp_path / "desk.sqlite3").exists()


def test_eval_help_lists_tagger():
    result = CliRunner().invoke(app, ["eval", "--help"])
    assert result.exit_code == 0
    assert "tagger" in result.output
