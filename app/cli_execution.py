"""Own the execution commands: positions, orders, kill / kill reset, risk, and the Upstox login."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app.bootstrap import Container
from core.clock import to_ist
from core.errors import DeskError
from store.db import transaction
from store.repos import orders as orders_repo
from store.repos import positions as positions_repo
from store.repos import risk as risk_repo
from tools.execution.manager import SESSION_EXPIRED
from tools.risk import switches

console = Console()
cli = typer.Typer(help="Execution: positions, orders, risk, kill switches.", no_args_is_help=True)
kill_cli = typer.Typer(help="Kill switches: stop new entries now (and reset them later).",
                       invoke_without_command=True)
upstox_cli = typer.Typer(help="Upstox session: the daily OAuth login.", no_args_is_help=True)

AccountOpt = Annotated[int | None, typer.Option("--account", help="one account id")]
UserOpt = Annotated[str, typer.Option("--user", help="who acts (recorded in the audit)")]


@contextmanager
def _container() -> Iterator[Container]:
    """The composition root for one command; its connections are closed when it ends."""
    c = Container()
    c.migrate()
    try:
        yield c
    finally:
        c.engine.dispose()


def _when(ts: object) -> str:
    return to_ist(ts).strftime("%d %b %H:%M") if ts is not None else "-"  # type: ignore[arg-type]


def positions(account: AccountOpt = None, closed: bool = False) -> None:
    """Open positions (or all with --closed) with P&L, stop and target."""
    with _container() as c, c.sessions() as s:
        rows = positions_repo.list_positions(s, [account] if account else None,
                                             include_closed=closed)
    table = Table("id", "acct", "card", "symbol", "dir", "qty", "avg ₹", "last ₹", "stop ₹",
                  "target ₹", "unreal ₹", "real ₹", "fees ₹", "exit", title="Positions")
    for p in rows:
        table.add_row(str(p.id), str(p.account_id), str(p.trade_card_id or "-"), p.symbol,
                      p.direction or "", str(p.quantity), str(p.average_entry_price),
                      str(p.current_price or "-"), str(p.stop_loss or "-"),
                      str(p.take_profit or "-"), str(p.unrealized_pnl or 0),
                      str(p.realized_pnl or 0), str(p.fees_paid or 0), p.exit_reason or "")
    console.print(table)


def orders(account: AccountOpt = None, limit: int = 50,
           status: Annotated[str | None, typer.Option(help="e.g. OPEN, FILLED")] = None) -> None:
    """Recent orders, newest first."""
    with _container() as c, c.sessions() as s:
        rows = orders_repo.list_orders(s, [account] if account else None, limit=limit,
                                       status=status)
    table = Table("id", "card", "leg", "symbol", "side", "type", "qty", "filled", "price ₹",
                  "trigger ₹", "status", "placed (IST)", "message", title="Orders")
    for o in rows:
        table.add_row(str(o.id), str(o.trade_card_id), o.category or "", o.symbol, o.side or "",
                      o.order_type or "", str(o.quantity), str(o.filled_quantity),
                      str(o.price or o.average_price or "-"), str(o.trigger_price or "-"),
                      o.status or "", _when(o.placed_at), (o.status_message or "")[:40])
    console.print(table)


def risk(account: AccountOpt = None, limit: int = 10) -> None:
    """Latest risk snapshots and the kill switches that are armed or triggered."""
    with _container() as c, c.sessions() as s:
        snaps = risk_repo.latest_snapshots(s, limit=limit, account_id=account)
        rows = [risk_repo.switch_view(r) for r in risk_repo.switches(s)]
    table = Table("when (IST)", "acct", "open risk ₹", "unreal ₹", "real today ₹", "drawdown ₹",
                  "vol", "positions", "switches", title="Risk snapshots")
    for v in snaps:
        table.add_row(_when(v.timestamp), str(v.account_id or "ALL"), f"{v.total_open_risk:,.0f}",
                      f"{v.total_unrealized_pnl:,.0f}", f"{v.daily_realized_pnl:,.0f}",
                      f"{v.daily_max_drawdown:,.0f}",
                      f"{v.portfolio_volatility:.3f}" if v.portfolio_volatility else "-",
                      str(v.open_positions_count), ", ".join(map(str, v.kill_switches_active)))
    console.print(table)
    sw = Table("id", "acct", "type", "threshold", "triggered", "reason", title="Kill switches")
    for r in rows:
        sw.add_row(str(r.id), str(r.account_id or "ALL"), r.switch_type or "",
                   f"{r.threshold_value} {r.threshold_type}" if r.threshold_value else "-",
                   "YES" if r.is_triggered else "no", (r.trigger_reason or "")[:60])
    console.print(sw)


@kill_cli.callback()
def kill(ctx: typer.Context, account: AccountOpt = None,
         reason: Annotated[str | None, typer.Option("--reason", help="why (audited)")] = None,
         user: UserOpt = "cli",
         flatten: Annotated[bool, typer.Option(help="also close open positions")] = False) -> None:
    """Kill: pause new entries and cancel pending ones for an account, or all accounts."""
    if ctx.invoked_subcommand is not None:
        return
    if not reason:
        raise typer.BadParameter("--reason is required", param_hint="--reason")
    try:
        with _container() as c, transaction(c.sessions) as s:
            row = switches.manual_kill(s, c.audit, account, reason, user, clock=c.clock,
                                       flatten=flatten)
            switch_id = row.id
    except DeskError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    scope = f"account {account}" if account else "the whole portfolio"
    console.print(f"[bold red]KILLED[/bold red] {scope} (switch {switch_id}); new entries paused. "
                  f"Reset with: desk kill reset {switch_id}")


@kill_cli.command("reset")
def kill_reset(switch_id: int, user: UserOpt = "cli") -> None:
    """Re-arm a triggered switch (a manual kill is retired)."""
    try:
        with _container() as c, transaction(c.sessions) as s:
            switches.reset(s, c.audit, switch_id, user, now=c.clock.now())
    except DeskError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    console.print(f"switch {switch_id} reset")


@upstox_cli.command("login")
def upstox_login(code: Annotated[str | None, typer.Option(
        help="the ?code= from the redirect after signing in")] = None) -> None:
    """Print the Upstox sign-in URL; run again with --code to store the day's token."""
    from tools.broker.upstox.auth import TokenStore, authorize_url, exchange_code

    c = Container()
    st = c.settings
    if st.upstox_api_key is None or st.upstox_api_secret is None:
        console.print("[red]error:[/red] set DESK_UPSTOX_API_KEY and DESK_UPSTOX_API_SECRET")
        raise typer.Exit(2)
    key = st.upstox_api_key.get_secret_value()
    if code is None:
        url = authorize_url(st.upstox_base_url, key, st.upstox_redirect_uri,
                            secrets.token_urlsafe(8))
        console.print(f"Open this URL, sign in, then run `desk upstox login --code <code>`:\n{url}")
        return
    try:
        session = asyncio.run(exchange_code(st.upstox_base_url, key,
                                            st.upstox_api_secret.get_secret_value(),
                                            st.upstox_redirect_uri, code, c.clock))
    except DeskError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    TokenStore(c.data_dir / "upstox-token.json", c.clock).save(session)
    with _container() as store, transaction(store.sessions) as s:
        for row in risk_repo.triggered_for(s, None):
            if (row.trigger_reason or "").startswith(SESSION_EXPIRED):
                switches.reset(s, store.audit, row.id, "upstox-login", now=store.clock.now())
    console.print(f"Upstox session stored for {session.user_id}; valid until "
                  f"{_when(session.expires_at)} IST")


cli.command("positions")(positions)
cli.command("orders")(orders)
cli.command("risk")(risk)


def register(app: typer.Typer) -> None:
    """Add `desk positions|orders|risk`, `desk kill [reset]` and `desk upstox login`."""
    app.command("positions")(positions)
    app.command("orders")(orders)
    app.command("risk")(risk)
    app.add_typer(kill_cli, name="kill")
    app.add_typer(upstox_cli, name="upstox")
