"""Own `desk data …`: import real bars and instrument masters, and store a simulated market."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.bootstrap import Container
from core.clock import to_ist
from core.domain import Instrument
from core.enums import AuditCategory
from core.errors import DeskError
from store.db import transaction
from store.repos.market import upsert_bars, upsert_instruments
from tools.market.importers import ImportReport, import_bars
from tools.market.instruments import (
    default_aliases,
    default_listing_dates,
    default_universe,
    equity_l_listing_dates,
    load_equity_l,
    load_index_constituents,
)
from tools.market.simulator import MarketSimulator, start_for_history

console = Console()
cli = typer.Typer(
    help="Market data: import real bars and instruments, simulate a market.", no_args_is_help=True
)
import_cli = typer.Typer(
    help="Import daily bars or an instrument master. With no sub-command: "
    "the real NIFTY 50 daily history (yfinance, 1991-2023, ~285k rows)."
)
cli.add_typer(import_cli, name="import")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DEFAULT_OHLCV = SHARED_DATA / "ohlcv" / "yf_nifty50_daily_1991_2024.csv.gz"
PathsArg = Annotated[list[Path] | None, typer.Argument(help="files or directories")]


def _container() -> Container:
    c = Container()
    c.migrate()
    return c


def _fail(message: str) -> NoReturn:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)


def run_bar_import(paths: list[Path], kind: str) -> ImportReport:
    """Import bars with a progress bar, print the report, and return it."""
    c = _container()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("reading and validating", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, description="storing bars", completed=done, total=total)

        try:
            with transaction(c.sessions) as session:
                report = import_bars(session, paths, progress, audit=c.audit, kind=kind)
        except DeskError as exc:
            bar.stop()
            _fail(str(exc))
    print_report(report)
    return report


def print_report(report: ImportReport) -> None:
    """Counts, then one table of skipped (rejected) and flagged (kept) rows with an example."""
    console.print(
        f"read {report.rows_read:,} rows from {len(report.files)} file(s): "
        f"[green]{report.inserted:,} inserted[/green], {report.duplicates:,} already "
        f"stored, {report.skipped_total:,} skipped ({report.seconds:.1f} s)"
    )
    if report.skipped or report.flagged:
        table = Table("reason", "rows", "action", "first example")
        for counts, action in (
            (report.skipped, "[red]skipped[/red]"),
            (report.flagged, "[yellow]kept, flagged[/yellow]"),
        ):
            for reason, n in counts.most_common():
                table.add_row(reason, f"{n:,}", action, _example(report, reason))
        console.print(table)
    for source, n in report.other_sources.items():
        console.print(
            f"[yellow]warning:[/yellow] {n:,} stored bars in the same span come from "
            f"{source}; overlapping rows kept the stored version (use a separate "
            "database to keep sources apart)"
        )


def _example(report: ImportReport, reason: str) -> str:
    rows = report.examples.get(reason) or [{}]
    ex = rows[0]
    day = str(ex.get("date") or "")[:10]
    return f"{ex.get('symbol', '')} {day} (line {ex.get('line', '?')})" if ex else ""


@import_cli.callback(invoke_without_command=True)
def import_default(ctx: typer.Context) -> None:
    """Without a sub-command, import the real NIFTY 50 daily history from ../shared/data."""
    if ctx.invoked_subcommand is None:
        if not DEFAULT_OHLCV.exists():
            _fail(f"{DEFAULT_OHLCV} not found; pass files to `desk data import ohlcv PATH...`")
        run_bar_import([DEFAULT_OHLCV], "ohlcv")


@import_cli.command("ohlcv")
def import_ohlcv(paths: PathsArg = None) -> None:
    """Import long-format daily OHLCV CSVs (gzipped or not; files or directories)."""
    run_bar_import(paths or [DEFAULT_OHLCV], "ohlcv")


@import_cli.command("bhavcopy")
def import_bhavcopy(paths: PathsArg = None) -> None:
    """Import NSE sec_bhavdata_full_DDMMYYYY.csv(.gz) files (series EQ and BE)."""
    run_bar_import(paths or [SHARED_DATA / "nse_archive" / "stocks"], "bhavcopy")


@import_cli.command("instruments")
def import_instruments(
    path: Annotated[Path | None, typer.Argument(help="EQUITY_L.csv or an index list")] = None,
    fmt: Annotated[str, typer.Option("--format", help="equity_l | index | default")] = "default",
) -> None:
    """Load an instrument master: NSE EQUITY_L, a niftyindices list, or the shipped NIFTY 50."""
    try:
        insts, aliases, listed = _read_master(path, fmt)
    except DeskError as exc:
        _fail(str(exc))
    c = _container()
    with transaction(c.sessions) as session:
        changed = upsert_instruments(
            session, insts, aliases=aliases, listing_dates=listed, update_ticks=fmt == "default"
        )
        c.audit.append(
            session,
            "market.instruments_imported",
            {
                "format": fmt,
                "path": str(path or "shipped nifty50.csv"),
                "instruments": len(insts),
                "changed": changed,
            },
            category=AuditCategory.INGESTION,
        )
    console.print(f"{len(insts):,} instruments read, {changed:,} inserted or updated ({fmt})")


def _read_master(
    path: Path | None, fmt: str
) -> tuple[list[Instrument], dict[str, list[str]] | None, dict[str, date] | None]:
    """Instruments, aliases and listing dates of one master (EQUITY_L and index lists have no
    ticks, so they never overwrite a stored tick)."""
    if fmt == "default":
        return default_universe(), default_aliases(), default_listing_dates()
    if fmt not in ("equity_l", "index"):
        _fail(f"unknown --format {fmt!r} (equity_l, index or default)")
    if path is None:
        _fail(f"--format {fmt} needs a PATH")
    if fmt == "equity_l":
        return load_equity_l(path), None, equity_l_listing_dates(path)
    return load_index_constituents(path), None, None


@cli.command("simulate")
def simulate(
    symbols: Annotated[int, typer.Option("--symbols", help="how many symbols")] = 50,
    days: Annotated[int, typer.Option("--days", help="sessions of daily history")] = 500,
    seed: Annotated[int, typer.Option("--seed")] = 7,
    start: Annotated[
        str | None,
        typer.Option(
            "--start", help="YYYY-MM-DD; default: the history ends at the clock's last session"
        ),
    ] = None,
) -> None:
    """Store a SIMULATED daily history (and its instruments); every bar is labelled SIMULATED."""
    if symbols <= 0 or days <= 0:
        _fail("--symbols and --days must be positive")
    c = _container()
    first = date.fromisoformat(start) if start else _first_session(c, days)
    started = time.perf_counter()
    sim = MarketSimulator(seed, symbols, first)
    bars = sim.daily_bars(days)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("storing SIMULATED bars", total=len(bars))
        with transaction(c.sessions) as session:
            upsert_instruments(session, sim.instruments)
            inserted = upsert_bars(session, bars, progress=lambda n: bar.advance(task, n))
            c.audit.append(
                session,
                "market.simulated",
                {
                    "seed": seed,
                    "symbols": symbols,
                    "days": days,
                    "start": first.isoformat(),
                    "rows": len(bars),
                    "inserted": inserted,
                    "headlines": len(sim.headlines()),
                    "source": "SIMULATED",
                },
                category=AuditCategory.INGESTION,
            )
    console.print(
        f"[bold yellow]SIMULATED[/bold yellow] market: {symbols} symbols x {days} "
        f"sessions from {first} (seed {seed}): {inserted:,} bars inserted, "
        f"{len(bars) - inserted:,} already stored, {len(sim.headlines()):,} synthetic "
        f"headlines ({time.perf_counter() - started:.1f} s)"
    )


def _first_session(c: Container, days: int) -> date:
    """History that ends the session before the clock's today (the feed carries on from there)."""
    return start_for_history(days, to_ist(c.clock.now()).date())
