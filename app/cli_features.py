"""Own `desk features …`: build and store features, import/fetch FII-DII flows, show a snapshot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.bootstrap import Container
from core.clock import IST
from core.errors import DeskError
from store.db import transaction
from store.repos.features import features_as_of, load_flows, write_features, write_flows
from store.repos.market import load_bars_frame
from tools.features.build import build_features
from tools.features.config import FeatureConfig
from tools.features.derivatives import combine_raw
from tools.features.flows import NSE_BASE_URL, NseFlowsClient, parse_flows_csv
from tools.features.nse_files import (
    load_fo_archive,
    load_option_chain_snapshots,
    load_vix_daily,
)
from tools.features.technical import DataQuality

console = Console()
cli = typer.Typer(
    help="Feature builder: technical, regime, derivatives and flow features.", no_args_is_help=True
)
WRITE_BATCH = 20_000
# Calendar days of bars loaded before --since so every window (252-session regime) is warm.
WARM_UP_DAYS = 400

UniverseOpt = Annotated[
    str | None,
    typer.Option("--universe", help="comma-separated symbols; default every symbol with bars"),
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since", help="YYYY-MM-DD: store features from this session on (history still warms up)"
    ),
]


def _container() -> Container:
    c = Container()
    c.migrate()
    return c


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=IST)
    except ValueError:
        _fail(f"--since: {value!r} is not a YYYY-MM-DD date")
    return None


def _derivatives(fo_dir: Path | None, snapshots: Path | None) -> pd.DataFrame | None:
    parts = []
    if fo_dir is not None:
        parts.append(load_fo_archive(fo_dir))
    if snapshots is not None:
        parts.append(load_option_chain_snapshots(snapshots))
    return combine_raw(*parts) if parts else None


@cli.command("build")
def build(
    universe: UniverseOpt = None,
    since: SinceOpt = None,
    fo_dir: Annotated[
        Path | None,
        typer.Option("--fo-dir", exists=True, help="NSE F&O archive with YYYY-MM-DD folders"),
    ] = None,
    option_snapshots: Annotated[
        Path | None,
        typer.Option("--option-snapshots", exists=True, help="NIFTY option-chain snapshot CSV"),
    ] = None,
    vix: Annotated[
        Path | None,
        typer.Option("--vix", exists=True, help="India VIX daily CSV or index snapshot CSV"),
    ] = None,
) -> None:
    """Compute features for the universe's daily bars and upsert them into `features`."""
    c = _container()
    start = _since(since)
    symbols = [s.strip() for s in universe.split(",") if s.strip()] if universe else None
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("loading bars", total=3)
            frame, quality = _compute(
                c,
                symbols,
                start,
                fo_dir,
                option_snapshots,
                vix,
                lambda d: bar.update(task, advance=1, description=d),
            )
            written = _store(c, frame, bar)
    except DeskError as exc:
        _fail(str(exc))
    console.print(f"stored {written} feature rows for {frame['symbol'].nunique()} symbols")
    if quality.dropped or quality.segment_breaks:
        console.print(f"data quality: {quality.as_dict()}")


def _compute(
    c: Container,
    symbols: list[str] | None,
    start: datetime | None,
    fo_dir: Path | None,
    snapshots: Path | None,
    vix_path: Path | None,
    step: Callable[[str], object],
) -> tuple[pd.DataFrame, DataQuality]:
    load_from = start - timedelta(days=WARM_UP_DAYS) if start else None
    with c.sessions() as s:
        bars = load_bars_frame(s, symbols, start=load_from)
        flows = load_flows(s)
    if bars.empty:
        raise DeskError("no daily bars in the store for that universe (import bars first)")
    step("reading derivatives / VIX")
    derivatives = _derivatives(fo_dir, snapshots)
    vix = load_vix_daily(vix_path) if vix_path else None
    step("computing features")
    quality = DataQuality()
    frame = build_features(
        bars,
        FeatureConfig(),
        flows=flows if len(flows) else None,
        derivatives=derivatives,
        vix=vix,
        quality=quality,
    )
    if start is not None:
        frame = frame[frame["ts"] >= pd.Timestamp(start).tz_convert(UTC)]
    step("features computed")
    return frame, quality


def _store(c: Container, frame: pd.DataFrame, bar: Progress) -> int:
    task = bar.add_task("writing features", total=len(frame))
    written = 0
    for i in range(0, len(frame), WRITE_BATCH):
        chunk = frame.iloc[i : i + WRITE_BATCH]
        with transaction(c.sessions) as s:
            written += write_features(s, chunk, c.clock)
        bar.update(task, advance=len(chunk))
    return written


@cli.command("flows-import")
def flows_import(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Load a `date,fii_net_cr,dii_net_cr` CSV history into `market_flows` (idempotent)."""
    c = _container()
    try:
        records = parse_flows_csv(path)
        with transaction(c.sessions) as s:
            n = write_flows(s, records, c.clock)
    except DeskError as exc:
        _fail(str(exc))
    console.print(f"stored {n} flow rows from {path.name}")


@cli.command("flows-fetch")
def flows_fetch(base_url: Annotated[str, typer.Option(help="NSE host")] = NSE_BASE_URL) -> None:
    """Fetch today's NSE FII/DII cash report and store it."""
    c = _container()
    try:
        with NseFlowsClient(base_url) as client:
            records = client.fetch()
        with transaction(c.sessions) as s:
            n = write_flows(s, records, c.clock)
    except DeskError as exc:
        _fail(str(exc))
    console.print(f"stored {n} flow rows from NSE")


@cli.command("show")
def show(
    symbols: Annotated[str, typer.Argument(help="comma-separated symbols")],
    as_of: Annotated[str | None, typer.Option(help="ISO time; default now")] = None,
) -> None:
    """Print the latest stored features of some symbols as of a time (no look-ahead)."""
    c = _container()
    when = c.clock.now() if as_of is None else datetime.fromisoformat(as_of)
    if when.tzinfo is None:
        when = when.replace(tzinfo=IST)
    with c.sessions() as s:
        frame = features_as_of(s, when, [x.strip() for x in symbols.split(",")])
    table = Table(
        "symbol",
        "as of (IST)",
        "close",
        "mom 20d %",
        "RSI",
        "ATR %",
        "vol %",
        "regime",
        "liquidity",
        "source",
    )
    for r in frame.itertuples():
        table.add_row(
            r.symbol,
            r.timestamp.tz_convert(IST).strftime("%Y-%m-%d %H:%M"),
            _fmt(r.close),
            _fmt(r.momentum_20d),
            _fmt(r.rsi_14),
            _fmt(r.atr_percent),
            _fmt(r.realized_vol_20d),
            str(r.regime_label),
            str(r.liquidity_regime),
            str(r.data_source),
        )
    console.print(table)


def _fmt(value: float | None) -> str:
    return "-" if value is None or pd.isna(value) else f"{value:,.2f}"
