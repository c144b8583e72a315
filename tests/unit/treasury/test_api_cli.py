"""The treasury web API (auth, visibility, decide once) and the `desk treasury` CLI."""

from __future__ import annotations

from decimal import Decimal

from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.bootstrap import Container
from app.web import api_treasury
from core.enums import Role
from core.settings import Settings
from store.db import transaction
from tools.accounts.access import ensure_user, grant
from tools.accounts.demo import ensure_demo_accounts
from tools.treasury.schedule import TreasuryScheduler


def _app(db, clock) -> TestClient:
    container = Container(Settings(database_url=db.url), clock=clock)
    app = FastAPI()
    app.state.container = container
    app.include_router(api_treasury.router, prefix="/api")
    return TestClient(app)


def test_api_balances_proposals_and_decide(db, clock, audit):
    with transaction(db.sessions) as s:
        accs = ensure_demo_accounts(s, audit, clock, password="demo-pass-1")
        viewer = ensure_user(s, audit, clock, "vera", password="vera-pass-1", role=Role.VIEWER)
        grant(s, audit, viewer.id, accs[1].id, can_approve=False)
        TreasuryScheduler(clock, audit).run(s, drawdown=6.0)
    client = _app(db, clock)
    demo, vera = ("demo", "demo-pass-1"), ("vera", "vera-pass-1")
    assert client.get("/api/treasury/balances").status_code == 401
    bal = client.get("/api/treasury/balances", auth=demo).json()
    assert {b["account_id"] for b in bal} == {a.id for a in accs}
    assert [b["account_id"] for b in client.get("/api/treasury/balances", auth=vera).json()] \
        == [accs[1].id]
    props = client.get("/api/treasury/proposals", auth=demo).json()
    assert [p["kind"] for p in props] == ["TRANCHE_RELEASE"]
    pid = props[0]["id"]
    url = f"/api/treasury/proposals/{pid}/decide"
    assert client.post(url, json={"action": "approve"}, auth=vera).status_code == 403
    assert client.post(url, json={"action": "maybe"}, auth=demo).status_code == 422
    ok = client.post(url, json={"action": "approve"}, auth=demo)
    assert ok.status_code == 200
    assert ok.json()["status"] == "APPROVED"
    assert client.post(url, json={"action": "reject"}, auth=demo).status_code == 409
    assert client.post("/api/treasury/proposals/999/decide", json={"action": "approve"},
                       auth=demo).status_code == 404
    txns = client.get("/api/treasury/transactions", auth=vera,
                      params={"account_id": accs[1].id}).json()
    assert Decimal(txns[0]["amount"]) == Decimal("150000.00")
    assert txns[0]["type"] == "TRANCHE_RELEASE"
    assert client.get("/api/treasury/transactions", auth=vera,
                      params={"account_id": accs[0].id}).status_code == 404


def test_cli_schedule_proposals_and_decisions(sqlite_db, clock, audit, monkeypatch):
    monkeypatch.setenv("DESK_DATABASE_URL", sqlite_db.url)
    monkeypatch.setenv("COLUMNS", "200")
    # the CLI's console may have been created (80 columns) by an earlier test in this process
    from rich.console import Console

    from app import cli_treasury
    monkeypatch.setattr(cli_treasury, "console", Console(width=200))
    with transaction(sqlite_db.sessions) as s:
        ensure_demo_accounts(s, audit, clock)
    from app.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["treasury", "run-schedule", "--drawdown", "6"])
    assert out.exit_code == 0, out.output
    assert "SIP credits 1" in out.output
    out = runner.invoke(app, ["treasury", "proposals"])
    assert "TRANCHE_RELEASE" in out.output
    out = runner.invoke(app, ["treasury", "reject-transfer", "1", "--reason", "wait"])
    assert out.exit_code == 0, out.output
    assert "REJECTED" in out.output
    again = runner.invoke(app, ["treasury", "approve-transfer", "1"])
    assert again.exit_code == 2
    assert "already REJECTED" in again.output
    assert runner.invoke(app, ["treasury", "balances"]).exit_code == 0
    out = runner.invoke(app, ["treasury", "transactions", "--limit", "5"])
    assert "SIP_INSTALLMENT" in out.output
    assert "STAGED_DEPOSIT" in out.output
