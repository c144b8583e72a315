"""Own the Markdown text of the EOD and monthly reports (the PDF is built from the same values)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from core.clock import to_ist
from tools.reports.eod import EodReport
from tools.reports.monthly import MonthlyReport

SIMULATED_NOTE = (
    "**SIMULATED** — built on a simulated or replayed market with the paper broker; "
    "no real money moved."
)


def inr(value: Decimal | float | None) -> str:
    """₹ with Indian-style sign and two decimals; '—' for unknown."""
    if value is None:
        return "—"
    v = Decimal(str(value))
    return f"{'-' if v < 0 else ''}₹{abs(v):,.2f}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.2f}%"


def hhmm(ts: datetime) -> str:
    return to_ist(ts).strftime("%H:%M:%S")


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(str(c).replace("|", "/") for c in r) + " |" for r in rows]
    return out


def eod_markdown(r: EodReport) -> str:
    """The EOD report of one account as Markdown."""
    lines = [f"# End-of-day report — {r.account.name} — {r.report_date.isoformat()}", ""]
    if r.simulated:
        lines += [SIMULATED_NOTE, ""]
    counts = r.counts()
    lines += [
        "## Summary",
        "",
        f"- Realised P&L (gross): {inr(r.realised_gross_inr)}",
        f"- Fees and taxes: {inr(r.fees_inr)}",
        f"- Realised P&L (net of fees): {inr(r.realised_net_inr)}",
        f"- Unrealised P&L on open positions: {inr(r.unrealised_inr)}",
        f"- Open positions: {len(r.open_positions)}, open risk to stops: {inr(r.open_risk_inr)}",
        f"- Equity (last risk snapshot): {inr(r.equity_inr)}",
        f"- Cards: {counts['CREATED']} created, {counts['APPROVED']} approved, "
        f"{counts['REJECTED']} rejected, {counts['EXPIRED']} expired, {counts['BLOCKED']} blocked",
        f"- Hit rate so far: {_rate(r.wins, r.closed_trades, r.hit_rate)}",
        "- Audit chain head at the close: "
        + (f"seq {r.audit_head[0]}, hash `{r.audit_head[1]}`" if r.audit_head else "none")
        + " (keep it: `desk audit verify` detects any later edit up to it)",
        "",
        "## Trades today",
        "",
    ]
    trades = [
        (
            hhmm(t.at),
            f"#{t.card_id}",
            t.symbol,
            t.side,
            t.quantity,
            inr(t.price),
            inr(t.fees),
            inr(t.realised_inr),
        )
        for t in r.trades
    ]
    lines += (
        _table(["time IST", "card", "symbol", "side", "qty", "price", "fees", "realised"], trades)
        if trades
        else ["No fills today."]
    )
    lines += ["", "## Open positions and risk", ""]
    opens = [
        (
            f"#{o.card_id}",
            o.symbol,
            o.quantity,
            inr(o.average_price),
            inr(o.mark_price),
            inr(o.stop_loss),
            inr(o.take_profit),
            inr(o.unrealised_inr),
            inr(o.open_risk_inr),
        )
        for o in r.open_positions
    ]
    lines += (
        _table(
            [
                "card",
                "symbol",
                "qty",
                "avg",
                "mark",
                "stop",
                "target",
                "unrealised",
                "risk to stop",
            ],
            opens,
        )
        if opens
        else ["No open positions."]
    )
    lines += ["", "## Kill-switch and risk events", ""]
    events = [(hhmm(e.at), e.kind, e.detail) for e in r.risk_events]
    lines += _table(["time IST", "event", "detail"], events) if events else ["None."]
    lines += ["", "## Card decisions", ""]
    decisions = [(hhmm(d.at), f"#{d.card_id}", d.symbol, d.outcome, d.detail) for d in r.decisions]
    lines += (
        _table(["time IST", "card", "symbol", "outcome", "detail"], decisions)
        if decisions
        else ["No cards today."]
    )
    return "\n".join(lines) + "\n"


def _rate(wins: int, n: int, rate: float | None) -> str:
    return "no closed trades yet" if rate is None else f"{wins}/{n} = {rate * 100:.1f}%"


def monthly_markdown(r: MonthlyReport) -> str:
    """The monthly report of one account as Markdown."""
    title = r.month_start.strftime("%B %Y")
    lines = [f"# Monthly report — {r.account.name} — {title} (through {r.through.isoformat()})", ""]
    if r.simulated:
        lines += [SIMULATED_NOTE, ""]
    excess = (
        None
        if r.account_return is None or r.benchmark_return is None
        else r.account_return - r.benchmark_return
    )
    lines += [
        "## Returns",
        "",
        f"- Account (time-weighted, flows removed): {pct(r.account_return)}",
        f"- NIFTY 50: {pct(r.benchmark_return)}"
        + ("" if r.benchmark_days else " (no NIFTY 50 bars stored for this month)"),
        f"- Excess over NIFTY 50: {pct(excess)}",
        f"- Maximum drawdown: {pct(r.max_drawdown)}",
        f"- Realised P&L net of fees: {inr(r.realised_net_inr)}",
        f"- Equity at month end: {inr(r.equity_inr[-1] if r.equity_inr else None)}",
        "",
        "## Attribution (net of fees)",
        "",
    ]
    rows = [(a.dimension, a.label, a.trades, inr(a.net_inr)) for a in r.attribution]
    lines += _table(["by", "label", "trades", "net P&L"], rows) if rows else ["No trades."]
    lines += ["", "## Signal and meta-label precision drift", ""]
    drift = [
        (
            d.metric,
            _p(d.this_month, d.samples_this_month),
            _p(d.before, d.samples_before),
            pct(d.change),
        )
        for d in r.drift
    ]
    lines += _table(["metric", "this month", "before", "change"], drift)
    return "\n".join(lines) + "\n"


def _p(value: float | None, n: int) -> str:
    return "—" if value is None else f"{value * 100:.1f}% (n={n})"
