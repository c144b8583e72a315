"""Own the card and intake commands: desk cards, card N, approve N, reject N, intake — the same
facade and approval service as the bot and the web, so the offline default runs without a token."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from app.bootstrap import Container
from app.desk_facade import DeskFacade, Principal
from core.errors import DeskError
from tools.accounts.demo import DEMO_USER

console = Console()
T = TypeVar("T")
UserOpt = Annotated[str, typer.Option("--user", help="desk user acting (default: demo)")]


def _with_desk(fn: Callable[[DeskFacade, Principal], Awaitable[T]], user: str) -> T:
    async def run() -> T:
        container = Container()
        container.migrate()
        # The running desk owns the broker session (the paper broker lives in its memory): a CLI
        # decision is recorded here and the desk's execute_approved job sends the orders.
        container.executes_orders = False
        facade = DeskFacade.from_container(container)
        try:
            return await fn(facade, facade.principal_for(user))
        finally:
            await facade.aclose()

    try:
        return asyncio.run(run())
    except DeskError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def cards(
    account: Annotated[int | None, typer.Option("--account", help="one account")] = None,
    status: Annotated[str, typer.Option(help="PENDING, APPROVED, … or ALL")] = "PENDING",
    user: UserOpt = DEMO_USER,
) -> None:
    """List trade cards (pending by default) of the accounts you can see."""

    async def go(desk: DeskFacade, p: Principal) -> list[dict[str, Any]]:
        return desk.cards(p, account, None if status.upper() == "ALL" else status.upper())

    rows = _with_desk(go, user)
    table = Table("id", "acct", "status", "side", "qty", "symbol", "entry", "SL", "TP", "expires")
    for c in rows:
        table.add_row(
            str(c["id"]),
            str(c["account_id"]),
            c["status"],
            c["direction"],
            str(c["quantity"]),
            c["symbol"],
            c["entry_price"],
            c["stop_loss"],
            c["take_profit"],
            str(c["expires_at"])[:16],
        )
    console.print(table if rows else "no cards")


def card(card_id: int, user: UserOpt = DEMO_USER) -> None:
    """Show one card: levels, thesis, checks, sources and its hash."""

    async def go(desk: DeskFacade, p: Principal) -> dict[str, Any]:
        return desk.card(p, card_id)

    c = _with_desk(go, user)
    console.print(f"[bold]card {c['id']}[/bold] {c['status']}: {c['summary']}")
    for key in (
        "thesis",
        "risks",
        "judge_rationale",
        "risk_warnings",
        "evidence_links",
        "card_hash",
        "model_version",
    ):
        if c.get(key):
            console.print(f"[dim]{key}:[/dim] {c[key]}")


def _decide(card_id: int, action: str, user: str, **kw: Any) -> None:
    async def go(desk: DeskFacade, p: Principal) -> dict[str, Any]:
        shown = desk.card(p, card_id)
        return await desk.decide_card(p, card_id, action, shown["card_hash"], via="cli", **kw)

    res = _with_desk(go, user)
    if not res.get("ok"):
        console.print(f"[red]nothing done:[/red] {res.get('message')}")
        raise typer.Exit(1)
    console.print(f"card {card_id}: [bold]{res['status']}[/bold]")
    execution = res.get("execution")
    if execution is not None:
        console.print(
            "orders sent"
            if execution.get("ok")
            else f"[yellow]orders not sent here:[/yellow] {execution.get('message')}"
        )


def approve(
    card_id: int,
    qty: Annotated[int | None, typer.Option("--qty", help="approve fewer shares")] = None,
    user: UserOpt = DEMO_USER,
) -> None:
    """Approve a pending card (optionally for a smaller quantity)."""
    if qty is None:
        _decide(card_id, "approve", user)
    else:
        _decide(card_id, "reduce", user, quantity=qty)


def reject(
    card_id: int,
    reason: Annotated[str, typer.Option("--reason", help="why")],
    user: UserOpt = DEMO_USER,
) -> None:
    """Reject a pending card with a reason."""
    _decide(card_id, "reject", user, reason=reason)


def _show(step: dict[str, Any]) -> bool:
    """Print an intake step; return True when the conversation is over."""
    kind = step.get("kind")
    if kind == "intake_question":
        if step.get("error"):
            console.print(f"[yellow]{step['error']}[/yellow]")
        console.print(f"[bold]{step['step']}/{step['total']}[/bold] {step['question']}")
        console.print(f"[dim]e.g. {step['example']}  (back · cancel)[/dim]")
        return False
    if kind == "intake_review":
        console.print(f"\n[bold]Summary[/bold]\n{step['summary']}\n\n[bold]Assumed[/bold]")
        for note in step.get("assumptions", []):
            console.print(f" • {note}")
        console.print(step.get("error") or step["question"])
        return False
    if kind == "intake_saved":
        console.print(f"[green]saved account {step['account_id']}[/green] {step['name']}")
    else:
        console.print("intake cancelled; nothing saved")
    return True


def intake(
    restart: Annotated[bool, typer.Option(help="start over")] = False, user: UserOpt = DEMO_USER
) -> None:
    """Set up an account by answering 8 questions (resumable: run it again to continue)."""

    async def go(desk: DeskFacade, p: Principal) -> None:
        step = await desk.intake_start(p, restart=restart)
        while not _show(step):
            answer = await asyncio.to_thread(console.input, "> ")
            step = await desk.intake_answer(p, answer)

    _with_desk(go, user)


def register(app: typer.Typer) -> None:
    """Add the card and intake commands to the root `desk` app."""
    for fn in (cards, card, approve, reject, intake):
        app.command(fn.__name__)(fn)
