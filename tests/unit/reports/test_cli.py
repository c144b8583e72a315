"""`desk report eod|monthly` through the real CLI on a temporary SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app
from store.db import transaction
from tests.unit.reports.helpers import add_account, closed_trade
from tests.unit.reports.test_reports import DAY, ist


@pytest.fixture
def env(sqlite_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DESK_DATABASE_URL", sqlite_db.url)
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DESK_MARKET", "simulated")
    with transaction(sqlite_db.sessions) as s:
        acc = add_account(s, ist(DAY, 9, 0))
        closed_trade(s, acc, ist(DAY, 9, 30), ist(DAY, 14, 0), "INFY", "100", "108", 10)
    return acc


def test_eod_writes_markdown_and_pdf_for_a_past_date(env: int, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["report", "eod", "--date", DAY.isoformat(), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    md = (out / f"eod-{DAY.isoformat()}-account{env}.md").read_text(encoding="utf-8")
    assert "₹58.00" in md  # +80 gross - 22 fees
    assert "SIMULATED" in md
    assert (out / f"eod-{DAY.isoformat()}-account{env}.pdf").read_bytes().startswith(b"%PDF")


def test_monthly_for_one_account_and_bad_dates(env: int, tmp_path: Path) -> None:
    ok = CliRunner().invoke(
        app, ["report", "monthly", "--date", "2025-12-31", "--account", str(env)]
    )
    assert ok.exit_code == 0, ok.output
    assert "MONTHLY" in ok.output
    bad = CliRunner().invoke(app, ["report", "eod", "--date", "16-12-2025"])
    assert bad.exit_code == 2
    assert "not a YYYY-MM-DD date" in bad.output
    missing = CliRunner().invoke(app, ["report", "eod", "--date", "2025-12-16", "--account", "999"])
    assert missing.exit_code == 2
    assert "account 999" in missing.output
