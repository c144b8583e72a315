"""Own `desk treasury`: balances, the funding schedule, transfer proposals and their decisions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app.bootstrap import Container
from core.clock import to_ist
from core.errors import DeskError
from store.db import transaction
from store.repos import treasury as repo
from tools.treasury.overview import cash_overview
from tools.treasury.schedule import TreasuryScheduler
from tools.treasury.transfers import TransferService

console = Console()
cli = typer.Typer(help="Treasury: balances, SIP/tranche schedule, inter-account transfers.",
                  no_args_is_help=True)

AccountOpt = Annotated[int | None, typer.Option("--account", help="one account id")]
UserOpt = Annotated[str, typer.Option("--user", help="who decides (recorded in the audit)")]


def _container() -> Container:
    c = Container()
    c.migrate()
    return c


def _fail(exc: DeskError) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}")
    return typer.Exit(2)


@cli.command()
def balances(account: AccountOpt = None) -> None:
    """Show each account's staged, available, reserved and deployed cash, buffer and deployable."""
    c = _container()
    with c.sessions() as s:
        rows = cash_overview(s, [account] if account is not None else None)
    table = Table("id", "account", "staged ₹", "available ₹", "reserved ₹", "deployed ₹",
                  "buffer ₹", "deployable ₹", "idle ₹", title="Treasury balances")
    for name, cash in rows:
        b = cash.balances
        table.add_row(str(cash.account_id), name, str(b.staged), str(b.available),
                      str(b.reserved), str(b.deployed), str(cash.buffer), str(cash.amount),
                      str(cash.idle))
    console.print(table)


@cli.command()
def transactions(
    account: AccountOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="newest first")] = 30,
) -> None:
    """List capital transactions (every money movement), newest first."""
    c = _container()
    with c.sessions() as s:
        rows = repo.list_txns(s, account, limit=limit)
    table = Table("id", "time (IST)", "account", "type", "amount ₹", "reason", "by",
                  title="Capital transactions")
    for t in rows:
        when = to_ist(t.timestamp).strftime("%d %b %Y %H:%M") if t.timestamp else "-"
        table.add_row(str(t.id), when, str(t.account_id), t.transaction_type, str(t.amount),
                      t.reason or "", t.approved_by or "")
    console.print(table)


@cli.command("run-schedule")
def run_schedule(
    drawdown: Annotated[float | None, typer.Option(
        "--drawdown", help="market drawdown % from its recent high (for dip tranches)")] = None,
) -> None:
    """Credit due SIP installments, stage lump sums, propose tranches, auto-return loans."""
    c = _container()
    try:
        with transaction(c.sessions) as s:
            run = TreasuryScheduler(c.clock, c.audit).run(s, drawdown=drawdown)
    except DeskError as exc:
        raise _fail(exc) from None
    console.print(f"SIP credits {len(run.sip_credits)}, lump sums staged {len(run.staged)}, "
                  f"tranches released {len(run.released)}, proposals {len(run.proposals)}, "
                  f"position postings {len(run.fills)}, loans returned {len(run.returns) // 2}, "
                  f"proposals expired {run.expired}")
    for problem in run.problems:
        console.print(f"[yellow]warning:[/yellow] {problem}")


@cli.command()
def proposals(
    status: Annotated[str, typer.Option(help="PENDING, APPROVED, REJECTED, EXPIRED or all")]
    = "PENDING",
    account: AccountOpt = None,
) -> None:
    """List transfer and tranche proposals."""
    c = _container()
    with c.sessions() as s:
        rows = repo.list_proposals(s, status=None if status.lower() == "all" else status.upper(),
                                   account_id=account)
    table = Table("id", "kind", "from", "to", "amount ₹", "status", "expires (IST)", "reason",
                  title="Transfer proposals")
    for p in rows:
        exp = to_ist(p.expires_at).strftime("%d %b %H:%M") if p.expires_at else "-"
        table.add_row(str(p.id), p.kind, str(p.from_account_id or "-"),
                      str(p.to_account_id or "-"), str(p.amount), p.status, exp, p.reason or "")
    console.print(table)


def _decide(proposal_id: int, approve: bool, user: str, reason: str | None) -> None:
    c = _container()
    try:
        with transaction(c.sessions) as s:
            p = TransferService(c.clock, c.audit).decide(s, proposal_id, approve=approve,
                                                         user=user, reason=reason)
    except DeskError as exc:
        raise _fail(exc) from None
    console.print(f"proposal {p.id}: {p.status} by {p.decided_by} (₹{p.amount})")


@cli.command("approve-transfer")
def approve_transfer(proposal_id: int, user: UserOpt = "cli") -> None:
    """Approve a pending proposal: the money moves now, once."""
    _decide(proposal_id, True, user, None)


@cli.command("reject-transfer")
def reject_transfer(
    proposal_id: int,
    reason: Annotated[str, typer.Option("--reason", help="why (recorded in the audit)")],
    user: UserOpt = "cli",
) -> None:
    """Reject a pending proposal; no money moves."""
    _decide(proposal_id, False, user, reason)
