"""Own the foundation commands: init, db upgrade, accounts …, audit verify."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError as PydanticError
from rich.console import Console
from rich.table import Table

from app.bootstrap import Container
from core.enums import AccountStatus
from core.errors import DeskError
from store.audit import verify_chain
from store.db import transaction
from tools.accounts import service
from tools.accounts.schemas import AccountSpec, MandateSpec

console = Console()
db_cli = typer.Typer(help="Database schema (Alembic is the only schema path).")
accounts_cli = typer.Typer(help="Accounts, mandates and funding plans.", no_args_is_help=True)
audit_cli = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


def container() -> Container:
    c = Container()
    c.migrate()
    return c


def fail(message: str, code: int = 2) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        fail(f"{path}: {exc}")


def _explain(exc: PydanticError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Migrate the configured database to the newest schema."""
    c = Container()
    c.migrate()
    console.print(f"schema up to date on {c.describe()['database']}")


def init() -> None:
    """Create the schema and the offline default's demo user and accounts (idempotent)."""
    c = container()
    password = c.seed_demo()
    console.print(f"desk ready on {c.describe()['database']}")
    if password:
        console.print(f"demo user: [bold]demo[/bold]  password: [bold]{password}[/bold] "
                      f"(also in {c.data_dir / 'demo-password.txt'})")


@accounts_cli.command("list")
def accounts_list() -> None:
    """List every account with its status."""
    c = container()
    table = Table("id", "name", "type", "status", "owner")
    with c.sessions() as s:
        for a in service.list_accounts(s):
            table.add_row(str(a.id), a.name, a.account_type or "", a.status or "", a.user_id)
    console.print(table)


@accounts_cli.command("show")
def accounts_show(account_id: int) -> None:
    """Show an account with its current mandate and funding plan."""
    c = container()
    try:
        with c.sessions() as s:
            acc = service.get_account(s, account_id)
            mandate = service.current_mandate(s, account_id)
            funding = service.current_funding_plan(s, account_id)
    except DeskError as exc:
        fail(str(exc))
    console.print(f"[bold]{acc.name}[/bold] #{acc.id} {acc.account_type} {acc.status}")
    console.print(f"mandate v{mandate.version}: {mandate.objective}, risk/trade "
                  f"{mandate.risk_per_trade_percent}%, max {mandate.max_positions} positions, "
                  f"horizon {mandate.horizon_min_days}-{mandate.horizon_max_days} d, banned "
                  f"{list(mandate.banned_sectors)}")
    console.print(f"funding: {funding.funding_type} SIP {funding.sip_amount} "
                  f"{funding.sip_frequency or ''} lump {funding.lump_sum_amount} tranches "
                  f"{list(funding.tranche_plan)}")


@accounts_cli.command("create")
def accounts_create(spec_file: Annotated[Path, typer.Argument(help="AccountSpec as JSON")]) -> None:
    """Open an account from a JSON spec (name, owner, account_type, mandate, funding)."""
    c = container()
    try:
        spec = AccountSpec.model_validate(_load_json(spec_file))
        with transaction(c.sessions) as s:
            acc = service.create_account(s, c.audit, c.clock, spec, user="cli")
    except PydanticError as exc:
        fail(f"invalid account spec, nothing written: {_explain(exc)}")
    except DeskError as exc:
        fail(str(exc))
    console.print(f"created account #{acc.id} {acc.name}")


@accounts_cli.command("mandate")
def accounts_mandate(
    account_id: int,
    spec_file: Annotated[Path, typer.Argument(help="MandateSpec as JSON")],
) -> None:
    """Write a new mandate version for an account (the old version is kept)."""
    c = container()
    try:
        spec = MandateSpec.model_validate(_load_json(spec_file))
        with transaction(c.sessions) as s:
            view = service.update_mandate(s, c.audit, c.clock, account_id, spec, user="cli")
    except PydanticError as exc:
        fail(f"invalid mandate, nothing written: {_explain(exc)}")
    except DeskError as exc:
        fail(str(exc))
    console.print(f"account #{account_id} now on mandate v{view.version}")


def _set_status(account_id: int, status: AccountStatus, reason: str | None) -> None:
    c = container()
    try:
        with transaction(c.sessions) as s:
            acc = service.set_status(s, c.audit, c.clock, account_id, status, "cli", reason)
    except DeskError as exc:
        fail(str(exc))
    console.print(f"account #{acc.id} is {acc.status}")


@accounts_cli.command("pause")
def accounts_pause(account_id: int, reason: str | None = None) -> None:
    """Pause an account: no new cards or entries; open positions stay managed."""
    _set_status(account_id, AccountStatus.PAUSED, reason)


@accounts_cli.command("resume")
def accounts_resume(account_id: int, reason: str | None = None) -> None:
    """Resume a paused account."""
    _set_status(account_id, AccountStatus.ACTIVE, reason)


@accounts_cli.command("close")
def accounts_close(account_id: int, reason: str | None = None) -> None:
    """Close an account for good."""
    _set_status(account_id, AccountStatus.CLOSED, reason)


@audit_cli.command("verify")
def audit_verify() -> None:
    """Walk the audit hash chain; exit 1 naming the first edited, deleted or reordered row."""
    c = container()
    with c.sessions() as s:
        result = verify_chain(s)
    if result.ok:
        console.print(f"[green]audit chain OK[/green]: {result.rows_checked} rows, head "
                      f"{result.head_hash}")
        return
    console.print(f"[red]audit chain BROKEN[/red] at row id={result.first_bad_id} "
                  f"(seq {result.first_bad_seq}): {result.problem}; {result.rows_checked} rows "
                  "before it verified")
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("up")(up)
    app.add_typer(db_cli, name="db")
    app.add_typer(accounts_cli, name="accounts")
    app.add_typer(audit_cli, name="audit")


def up(
    host: Annotated[str | None, typer.Option(help="bind address (default DESK_WEB_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default DESK_WEB_PORT)")] = None,
) -> None:
    """Start the desk: web app, scheduler, market feed, hot path, risk monitor (and the bot)."""
    import asyncio
    import logging

    from app.market_setup import prepare_market
    from app.runtime import build_runtime

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for noisy in ("apscheduler", "httpx", "sentence_transformers", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    c = container()
    password = c.seed_demo()
    with console.status("preparing the market (history, features, signal model)"):
        report = prepare_market(c)
    console.print(f"market ready: {report}")
    runtime = build_runtime(c, host or c.settings.web_host, port or c.settings.web_port)
    console.print(f"desk up: {c.describe()}")
    console.print(f"open http://{runtime.host}:{runtime.port}  (user demo"
                  + (f", password {password})" if password else
                     f", password in {c.data_dir / 'demo-password.txt'})"))
    if c.simulated:
        console.print("[yellow]SIMULATED market: prices, news and fills are not real[/yellow]")
    asyncio.run(runtime.run())
