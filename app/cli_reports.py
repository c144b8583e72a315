"""Own `desk report eod|monthly`: generate, store and optionally write reports for any past date."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from app.bootstrap import Container
from core.clock import to_ist
from core.errors import DeskError
from store.db import transaction
from store.repos.reports import ReportView, report_pdf
from tools.reports.data import report_account_ids
from tools.reports.service import generate_report

console = Console()
cli = typer.Typer(
    help="EOD and monthly reports (Markdown + PDF, kept in the store).", no_args_is_help=True
)

DateOpt = Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (IST); default today")]
AccountOpt = Annotated[int | None, typer.Option("--account", help="one account id; default all")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="also write .md and .pdf files here")]


def _parse_day(value: str | None, c: Container) -> date:
    if value is None:
        return to_ist(c.clock.now()).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        console.print(f"[red]error:[/red] --date: {value!r} is not a YYYY-MM-DD date")
        raise typer.Exit(2) from None


def _write(c: Container, view: ReportView, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{view.kind.lower()}-{view.report_date.isoformat()}-account{view.account_id}"
    md, pdf = out / f"{stem}.md", out / f"{stem}.pdf"
    md.write_text(view.markdown, encoding="utf-8")
    with c.sessions() as s:
        pdf.write_bytes(report_pdf(s, view.id))
    return [md, pdf]


def run(kind: str, day_text: str | None, account: int | None, out: Path | None) -> None:
    """Generate `kind` for one or all accounts, print a table, optionally write the files."""
    c = Container()
    c.migrate()
    day = _parse_day(day_text, c)
    with c.sessions() as s:
        ids = [account] if account is not None else report_account_ids(s)
    views: list[ReportView] = []
    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"{kind} reports for {day.isoformat()}", total=len(ids))
            for account_id in ids:
                with transaction(c.sessions) as s:
                    views.append(
                        generate_report(
                            s, c.audit, c.clock, kind, day, account_id, simulated=c.simulated
                        )
                    )
                progress.advance(task)
    except DeskError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    _print(c, views, out)


def _print(c: Container, views: list[ReportView], out: Path | None) -> None:
    table = Table("report", "kind", "date", "account", "simulated", "files")
    for v in views:
        files = ", ".join(str(p) for p in _write(c, v, out)) if out else "(in the store)"
        table.add_row(
            str(v.id),
            v.kind,
            v.report_date.isoformat(),
            str(v.account_id),
            "SIMULATED" if v.simulated else "live",
            files,
        )
    console.print(table if views else "no open accounts: nothing to report")


@cli.command("eod")
def eod(date_: DateOpt = None, account: AccountOpt = None, out: OutOpt = None) -> None:
    """End-of-day report: trades, P&L with fees, open risk, kill switches, card decisions."""
    run("eod", date_, account, out)


@cli.command("monthly")
def monthly(date_: DateOpt = None, account: AccountOpt = None, out: OutOpt = None) -> None:
    """Monthly report for the month containing --date: returns vs NIFTY 50, attribution, drift."""
    run("monthly", date_, account, out)
