"""Own `desk backtest`, `desk signals train|generate|list` and `desk playbooks …`."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.bootstrap import Container
from core.clock import LiveClock, to_ist
from core.errors import DeskError
from store.audit import AuditLog
from store.db import transaction
from store.repos.market import load_bars_frame
from store.repos.playbooks import get_playbook, list_playbooks
from store.repos.signals import list_signals
from tools.backtest.evaluate import Scorecard, score
from tools.backtest.report import write_report
from tools.backtest.runner import BacktestConfig, load_bars_dir, run_walk_forward
from tools.playbooks.defaults import ensure_default_playbooks
from tools.playbooks.service import PlaybookService, history
from tools.signals.artefacts import load_artefact, save_artefact, train_artefact
from tools.signals.generate import generate_candidates
from tools.signals.labels import BarrierConfig
from tools.signals.meta import NO_TRUST

console = Console()
signals_cli = typer.Typer(help="Primary signals and the meta-labeler.", no_args_is_help=True)
playbooks_cli = typer.Typer(
    help="Event playbooks (data, versioned, audited).", no_args_is_help=True
)


def _container() -> Container:
    c = Container()
    c.migrate()
    return c


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)


def _day(value: str | None, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        return pd.Timestamp(datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC))
    except ValueError:
        _fail(f"{name} must be YYYY-MM-DD, got {value!r}")
    return None


def _models_dir(c: Container | None, given: Path | None) -> Path:
    if given is not None:
        return given
    return (c.settings.data_dir if c else Path("var")) / "models"


def backtest(
    data: Annotated[Path, typer.Option("--data", help="directory (or file) of OHLCV CSVs")] = Path(
        "../shared/data/ohlcv"
    ),
    start: Annotated[str | None, typer.Option("--from", help="first test day YYYY-MM-DD")] = None,
    end: Annotated[str | None, typer.Option("--to", help="last test day YYYY-MM-DD")] = None,
    out: Annotated[Path, typer.Option(help="report folder")] = Path("var/backtest"),
    k_tp: Annotated[float, typer.Option(help="take-profit, ATR multiples")] = 2.0,
    k_sl: Annotated[float, typer.Option(help="stop-loss, ATR multiples")] = 1.0,
    horizon: Annotated[int, typer.Option(help="vertical barrier, sessions")] = 10,
    test_years: Annotated[int, typer.Option(help="years per walk-forward fold")] = 2,
    min_train_years: Annotated[int, typer.Option(help="history before the first fold")] = 5,
    min_rows: Annotated[
        int, typer.Option(help="skip folds with fewer primary training rows")
    ] = 2_000,
    require_lift: Annotated[
        bool,
        typer.Option(help="trust nothing in folds where the meta filter shows no credible lift"),
    ] = True,
    shuffle_labels: Annotated[
        bool,
        typer.Option(
            help="leakage check: train on shuffled labels (precision must fall to the base rate)"
        ),
    ] = False,
) -> None:
    """Walk-forward backtest: signals → meta-label → fixed-risk sizing → fills with Indian costs."""
    started = time.perf_counter()
    try:
        cfg = BacktestConfig(
            start=_day(start, "--from"),
            end=_day(end, "--to"),
            barrier=BarrierConfig(k_tp, k_sl, horizon),
            test_years=test_years,
            min_train_years=min_train_years,
            min_primary_rows=min_rows,
            require_lift=require_lift,
            shuffle_labels=shuffle_labels,
        )
        card = _walk_forward(data, cfg)
    except DeskError as exc:
        _fail(str(exc))
        return
    card.summary["command"] = {"data": str(data), "from": start, "to": end, "k_tp": k_tp,
                               "k_sl": k_sl, "horizon": horizon, "test_years": test_years,
                               "min_train_years": min_train_years, "require_lift": require_lift,
                               "shuffle_labels": shuffle_labels}  # fmt: skip
    card.summary["seconds"]["wall_including_report"] = round(time.perf_counter() - started, 2)
    title = "Shuffled-label check" if shuffle_labels else "Walk-forward"
    paths = write_report(card, out, title=title)
    _print_scorecard(card.summary)
    console.print(f"report: {paths['summary']}  chart: {paths['equity_png']}")
    console.print(f"walk-forward finished in {time.perf_counter() - started:.1f} s")


def _walk_forward(data: Path, cfg: BacktestConfig) -> Scorecard:
    """Load the CSVs, run the folds with a progress bar, score; exit 2 if no fold could train."""
    bars, info = load_bars_dir(data)
    console.print(
        f"bars: {info['rows_used']:,} rows, {bars['symbol'].nunique()} symbols "
        f"from {len(info['files'])} file(s)"
    )
    with _progress() as progress:
        task = progress.add_task("walk-forward folds", total=None)
        wf = run_walk_forward(bars, cfg, lambda d, n: progress.update(task, completed=d, total=n))
    card = score(wf, cfg)
    if "error" in card.summary:
        reasons = {f["test_start"]: f.get("skipped") for f in wf.folds}
        _fail(f"{card.summary['error']} (folds: {reasons or 'none'})")
    return card


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
    )


def _fmt(v: Any, pct: bool = False) -> str:
    if v is None:
        return "-"
    return f"{100 * v:.1f}%" if pct else f"{v:.2f}" if isinstance(v, float) else str(v)


def _print_scorecard(summary: dict[str, Any]) -> None:
    if "error" in summary:
        _fail(summary["error"])
    table = Table(
        title=f"Test period {summary['test_period']['start']} … {summary['test_period']['end']}"
    )
    for col in (
        "strategy",
        "signals",
        "base rate",
        "meta precision",
        "recall",
        "FPR",
        "trades",
        "hit rate",
        "CAGR %",
        "Sharpe",
        "Sortino",
        "max DD %",
        "turnover x/yr",
    ):
        table.add_column(col, justify="right")
    for name, s in summary["strategies"].items():
        m, p = s.get("meta", {}), s["performance"]
        table.add_row(
            name,
            str(s["signals"]),
            _fmt(s["primary_hit_rate"], True),
            _fmt(m.get("precision"), True),
            _fmt(m.get("recall"), True),
            _fmt(m.get("false_positive_rate"), True),
            str(s["trades"]),
            _fmt(s.get("hit_rate"), True),
            _fmt(p["cagr_pct"]),
            _fmt(p["sharpe"]),
            _fmt(p["sortino"]),
            _fmt(p["max_drawdown_pct"]),
            _fmt(p["turnover_x_per_year"]),
        )
    Console(width=max(console.width, 160)).print(table)


@signals_cli.command("train")
def signals_train(
    data: Annotated[
        Path | None, typer.Option(help="OHLCV CSV dir; default: bars in the store")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="models folder (default var/models)")] = None,
    require_lift: Annotated[
        bool,
        typer.Option(
            help="trust nothing unless validation shows credible lift (off only for demos)"
        ),
    ] = True,
    min_rows: Annotated[int, typer.Option(help="minimum primary training rows")] = 2_000,
) -> None:
    """Train the primary model + meta-labeler on all history and save a versioned artefact."""
    c = None if data is not None else _container()
    clock = c.clock if c else None
    try:
        if data is not None:
            bars, _ = load_bars_dir(data)
        else:
            with c.sessions() as s:  # type: ignore[union-attr]
                bars = load_bars_frame(s)
        if bars.empty:
            _fail("no bars to train on (import some with `desk data import`)")
        cfg = BacktestConfig(require_lift=require_lift, min_primary_rows=min_rows)
        art = train_artefact(bars, clock or LiveClock(), cfg)
    except DeskError as exc:
        _fail(str(exc))
        return
    folder = save_artefact(art, _models_dir(c, out))
    console.print(
        f"trained {art.version} on {art.trained_from} … {art.trained_to}; "
        f"meta threshold {art.meta.threshold:.3f}; saved to {folder}"
    )
    if art.meta.threshold >= NO_TRUST:
        console.print(
            "[yellow]warning:[/yellow] the meta-labeler showed no credible precision "
            "lift on the latest validation block: it will trust no signal"
        )


@signals_cli.command("generate")
def signals_generate(
    symbols: Annotated[str | None, typer.Option(help="comma-separated; default all")] = None,
    models: Annotated[Path | None, typer.Option(help="artefact folder")] = None,
) -> None:
    """Score the latest stored features now; write signals + meta-labels and list them."""
    c = _container()
    try:
        art = load_artefact(_models_dir(c, models))
        with transaction(c.sessions) as s:
            cands = generate_candidates(
                s, c.clock, art, c.clock.now(), symbols.split(",") if symbols else None
            )
    except DeskError as exc:
        _fail(str(exc))
        return
    table = Table(title=f"{len(cands)} signal(s), model {art.version}")
    for col in ("id", "symbol", "strategy", "dir", "edge %", "P(TP)", "quality", "trusted"):
        table.add_column(col)
    for k in cands:
        table.add_row(
            str(k.signal_id),
            k.symbol,
            k.strategy,
            k.direction,
            f"{k.edge_pct:.2f}",
            f"{k.tp_probability:.2f}",
            f"{k.quality_score:.2f}",
            "yes" if k.is_trustworthy else "no",
        )
    console.print(table)


@signals_cli.command("list")
def signals_list(status: str | None = None, symbol: str | None = None, limit: int = 30) -> None:
    """Recent signals with their meta-label."""
    c = _container()
    with c.sessions() as s:
        rows = list_signals(s, status=status, symbol=symbol, limit=limit)
    table = Table(title="signals")
    for col in (
        "id",
        "generated (IST)",
        "symbol",
        "strategy",
        "dir",
        "edge %",
        "quality",
        "trusted",
        "status",
    ):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r.id),
            to_ist(r.generated_at).strftime("%Y-%m-%d %H:%M") if r.generated_at else "-",
            r.symbol,
            r.strategy or "-",
            r.direction or "-",
            _fmt(r.edge),
            _fmt(r.quality_score),
            "yes" if r.meta and r.meta.is_trustworthy else "no",
            r.status or "-",
        )
    console.print(table)


@playbooks_cli.command("list")
def playbooks_list(
    seed: Annotated[bool, typer.Option(help="create missing defaults first")] = True,
) -> None:
    """Every playbook (the shipped defaults are created when missing)."""
    c = _container()
    with transaction(c.sessions) as s:
        if seed:
            ensure_default_playbooks(s, AuditLog(c.clock, "playbooks"), c.clock)
        rows = list_playbooks(s)
    table = Table(title="playbooks")
    for col in ("name", "event", "stance", "regime", "boost", "gap %", "SL×", "TP×", "v", "active"):
        table.add_column(col)
    for p in rows:
        regime = " ".join(f"{k[:3]}={','.join(v)}" for k, v in p.regime_match.items()) or "any"
        table.add_row(
            p.name,
            p.event_type,
            p.stance or "any",
            regime,
            _fmt(p.priority_boost),
            _fmt(p.acceptable_gap_chase_percent),
            _fmt(p.sl_multiplier_override),
            _fmt(p.tp_multiplier_override),
            str(p.version),
            "yes" if p.is_active else "no",
        )
    Console(width=max(console.width, 150)).print(table)


@playbooks_cli.command("show")
def playbooks_show(name: str) -> None:
    """One playbook as JSON, with its change history."""
    c = _container()
    try:
        with c.sessions() as s:
            pb = get_playbook(s, name)
            changes = history(s, pb.name)
    except DeskError as exc:
        _fail(str(exc))
        return
    console.print_json(
        json.dumps(
            {"name": pb.name, "version": pb.version, "is_active": pb.is_active, **pb.values()}
        )
    )
    for h in changes:
        console.print(
            f"{to_ist(h.at):%Y-%m-%d %H:%M} IST  {h.action}  v{h.version}  by {h.user_id or '-'}"
        )


@playbooks_cli.command("set")
def playbooks_set(
    name: str,
    file: Annotated[Path, typer.Option("--file", help="JSON object of playbook fields")],
) -> None:
    """Create or replace a playbook from a JSON file (validated; version + 1; audited)."""
    try:
        values = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        _fail(f"{file}: {exc}")
        return
    if not isinstance(values, dict):
        _fail(f"{file}: expected a JSON object")
    c = _container()
    try:
        with transaction(c.sessions) as s:
            pb = PlaybookService(c.clock).put(s, name, values, user_id="cli")
    except DeskError as exc:
        _fail(str(exc))
        return
    console.print(f"playbook {pb.name} is at version {pb.version}")


def _toggle(name: str, active: bool) -> None:
    c = _container()
    try:
        with transaction(c.sessions) as s:
            pb = PlaybookService(c.clock).set_active(s, name, active, user_id="cli")
    except DeskError as exc:
        _fail(str(exc))
        return
    console.print(f"playbook {pb.name} {'enabled' if active else 'disabled'} (v{pb.version})")


@playbooks_cli.command("disable")
def playbooks_disable(name: str) -> None:
    """Stop a playbook from matching (kept, audited, re-enable any time)."""
    _toggle(name, False)


@playbooks_cli.command("enable")
def playbooks_enable(name: str) -> None:
    """Let a disabled playbook match again."""
    _toggle(name, True)


def register(app: typer.Typer) -> None:
    """Attach `desk backtest`, `desk signals …` and `desk playbooks …` to the root app."""
    app.command("backtest")(backtest)
    app.add_typer(signals_cli, name="signals")
    app.add_typer(playbooks_cli, name="playbooks")
