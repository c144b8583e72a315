"""Own the report charts: matplotlib (Agg, no display) figures rendered to PNG bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from tools.reports.eod import EodReport
from tools.reports.monthly import MonthlyReport

_SIZE = (7.0, 3.0)
_DPI = 110


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=_DPI)
    plt.close(fig)
    return buf.getvalue()


def _watermark(fig: Figure, simulated: bool) -> None:
    if simulated:
        fig.text(
            0.5,
            0.5,
            "SIMULATED",
            fontsize=40,
            color="red",
            alpha=0.12,
            ha="center",
            va="center",
            rotation=20,
        )


def eod_positions_chart(report: EodReport) -> bytes | None:
    """Unrealised P&L per open position and realised P&L per traded card today (bar chart)."""
    labels: list[str] = []
    values: list[float] = []
    for o in report.open_positions:
        if o.unrealised_inr is not None:
            labels.append(f"{o.symbol} #{o.card_id} (open)")
            values.append(float(o.unrealised_inr))
    realised: dict[str, float] = {}
    for t in report.trades:
        key = f"{t.symbol} #{t.card_id} (realised)"
        realised[key] = realised.get(key, 0.0) + float(t.realised_inr - t.fees)
    labels += list(realised)
    values += list(realised.values())
    if not labels:
        return None
    fig, ax = plt.subplots(figsize=_SIZE)
    colors = ["#1a7f37" if v >= 0 else "#cf222e" for v in values]
    ax.barh(labels, values, color=colors)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("₹")
    ax.set_title(f"P&L by position, {report.report_date.isoformat()}")
    _watermark(fig, report.simulated)
    return _png(fig)


def equity_chart(report: MonthlyReport) -> bytes | None:
    """Growth of ₹1 for the account vs NIFTY 50, with the account's drawdown underneath."""
    if len(report.days) < 2:
        return None
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(7.0, 4.6), sharex=True, gridspec_kw={"height_ratios": [2, 1]}
    )
    top.plot(_dates(report.days), report.account_wealth, label=report.account.name, color="#0969da")
    if report.benchmark_wealth:
        top.plot(
            _dates(report.benchmark_days),
            report.benchmark_wealth,
            label="NIFTY 50",
            color="#6e7781",
            linestyle="--",
        )
    top.set_ylabel("growth of ₹1")
    top.legend(loc="best", fontsize=8)
    top.set_title(f"{report.account.name}: {report.month_start.strftime('%B %Y')}")
    bottom.fill_between(
        _dates(report.days),
        [d * 100 for d in report.drawdown_series],
        0,
        color="#cf222e",
        alpha=0.4,
    )
    bottom.set_ylabel("drawdown %")
    fig.autofmt_xdate()
    _watermark(fig, report.simulated)
    return _png(fig)


def attribution_chart(report: MonthlyReport, dimension: str = "strategy") -> bytes | None:
    """Net P&L by strategy (or playbook / sector) for the month."""
    rows = [a for a in report.attribution if a.dimension == dimension]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=_SIZE)
    values = [float(a.net_inr) for a in rows]
    ax.bar(
        [a.label for a in rows], values, color=["#1a7f37" if v >= 0 else "#cf222e" for v in values]
    )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("net ₹")
    ax.set_title(f"Net P&L by {dimension}")
    _watermark(fig, report.simulated)
    return _png(fig)


def _dates(days: Sequence[date]) -> list[date]:
    return list(days)
