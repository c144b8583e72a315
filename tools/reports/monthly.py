"""Own the monthly report of one account: time-weighted return vs NIFTY 50, drawdown,
attribution by strategy, playbook and sector, and signal / meta-label precision drift."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from core.money import ZERO, money
from tools.market.calendar import NseCalendar
from tools.reports.data import (
    AccountHeader,
    MarkBook,
    Trade,
    account_header,
    benchmark_closes,
    capital_flows,
    day_window,
    load_trades,
    month_window,
)
from tools.reports.pnl import (
    compound,
    drawdowns,
    realised_steps,
    time_weighted_returns,
    wealth_index,
)


@dataclass(frozen=True, slots=True)
class AttributionRow:
    dimension: str  # strategy | playbook | sector
    label: str
    trades: int
    net_inr: Decimal


@dataclass(frozen=True, slots=True)
class DriftRow:
    metric: str
    this_month: float | None
    before: float | None
    samples_this_month: int
    samples_before: int

    @property
    def change(self) -> float | None:
        if self.this_month is None or self.before is None:
            return None
        return self.this_month - self.before


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    account: AccountHeader
    month_start: date
    through: date
    simulated: bool
    days: tuple[date, ...]
    equity_inr: tuple[float, ...]
    account_wealth: tuple[float, ...]
    account_return: float | None
    benchmark_days: tuple[date, ...]
    benchmark_wealth: tuple[float, ...]
    benchmark_return: float | None
    max_drawdown: float
    drawdown_series: tuple[float, ...]
    realised_net_inr: Decimal
    attribution: tuple[AttributionRow, ...]
    drift: tuple[DriftRow, ...]

    def summary(self) -> dict[str, object]:
        """The JSON summary stored beside the report."""
        return {
            "account_id": self.account.id,
            "month": self.month_start.isoformat()[:7],
            "through": self.through.isoformat(),
            "simulated": self.simulated,
            "account_return": self.account_return,
            "benchmark_return": self.benchmark_return,
            "max_drawdown": self.max_drawdown,
            "realised_net_inr": str(self.realised_net_inr),
            "attribution": [
                [a.dimension, a.label, a.trades, str(a.net_inr)] for a in self.attribution
            ],
            "drift": [[d.metric, d.this_month, d.before] for d in self.drift],
        }


@dataclass(frozen=True, slots=True)
class EquityCurve:
    """End-of-session equity of an account with its flow-free returns and drawdowns."""

    days: tuple[date, ...]
    equity_inr: tuple[float, ...]
    returns: tuple[float, ...]
    wealth: tuple[float, ...]
    drawdown: tuple[float, ...]


def equity_curve(session: Session, account_id: int, first: date, last: date) -> EquityCurve:
    """Equity at the close of every NSE session from first to last, plus the session before."""
    cal = NseCalendar()
    points = [cal.previous_session(first), *cal.sessions(first, last)]
    ends = [day_window(d)[1] for d in points]
    trades = load_trades(session, account_id, ends[-1])
    equity = _equity_series(session, account_id, trades, ends)
    returns = time_weighted_returns(equity, _flows_between(session, account_id, ends))
    wealth = wealth_index(returns)
    return EquityCurve(
        tuple(points), tuple(equity), tuple(returns), tuple(wealth), tuple(drawdowns(wealth))
    )


def build_monthly(
    session: Session, account_id: int, day: date, *, simulated: bool
) -> MonthlyReport:
    """Build the report for the IST month containing `day`, through `day` (replay works)."""
    first, start, month_end = month_window(day)
    end = min(month_end, day_window(day)[1])
    curve = equity_curve(session, account_id, first, day)
    trades = load_trades(session, account_id, end)
    bench_days, bench_wealth = _benchmark(session, start, end)
    in_month = [t for t in trades if any(start <= f.ts < end for f in t.fills)]
    return MonthlyReport(
        account=account_header(session, account_id),
        month_start=first,
        through=day,
        simulated=simulated,
        days=curve.days,
        equity_inr=curve.equity_inr,
        account_wealth=curve.wealth,
        account_return=compound(curve.returns) if curve.returns else None,
        benchmark_days=tuple(bench_days),
        benchmark_wealth=tuple(bench_wealth),
        benchmark_return=bench_wealth[-1] - 1.0 if len(bench_wealth) > 1 else None,
        max_drawdown=min(curve.drawdown, default=0.0),
        drawdown_series=curve.drawdown,
        realised_net_inr=money(sum((_net_between(t, start, end) for t in in_month), ZERO)),
        attribution=tuple(_attribution(in_month, start, end)),
        drift=tuple(_drift(trades, start, end)),
    )


def _net_between(trade: Trade, start: datetime, end: datetime) -> Decimal:
    return sum(
        (
            s.realised_inr - s.fill.fees
            for s in realised_steps(trade.fills)
            if start <= s.fill.ts < end
        ),
        ZERO,
    )


def _equity_series(
    session: Session, account_id: int, trades: list[Trade], ends: Sequence[datetime]
) -> list[float]:
    """Capital put in + realised P&L net of fees + unrealised P&L at marks, before each end."""
    flows = capital_flows(session, account_id, ends[-1]) if ends else []
    marks = MarkBook(session, {t.symbol for t in trades}, ends[0], ends[-1]) if ends else None
    steps = {t.card_id: realised_steps(t.fills) for t in trades}
    out = []
    for at in ends:
        total = sum((amt for ts, amt in flows if ts < at), ZERO)
        for t in trades:
            done = [s for s in steps[t.card_id] if s.fill.ts < at]
            if not done:
                continue
            total += sum((s.realised_inr - s.fill.fees for s in done), ZERO)
            qty, avg = done[-1].position_after, done[-1].average_after
            mark = marks.price(t.symbol, at) if qty and marks is not None else None
            if mark is not None:
                total += (mark - avg) * qty
        out.append(float(total))
    return out


def _flows_between(session: Session, account_id: int, ends: Sequence[datetime]) -> list[float]:
    """Net external flow that arrived in (ends[t-1], ends[t]]; the first point has none."""
    flows = capital_flows(session, account_id, ends[-1]) if ends else []
    out = [0.0]
    for prev, cur in itertools.pairwise(ends):
        out.append(float(sum((a for ts, a in flows if prev <= ts < cur), ZERO)))
    return out


def _benchmark(session: Session, start: datetime, end: datetime) -> tuple[list[date], list[float]]:
    closes = benchmark_closes(session, start, end)
    if not closes:
        return [], []
    ordered = sorted(closes.items())
    base = ordered[0][1]
    return [d for d, _ in ordered], [c / base for _, c in ordered]


def _attribution(trades: list[Trade], start: datetime, end: datetime) -> list[AttributionRow]:
    out: list[AttributionRow] = []
    keys: dict[str, Callable[[Trade], str]] = {
        "strategy": lambda t: t.strategy,
        "playbook": lambda t: t.playbook,
        "sector": lambda t: t.sector,
    }
    for dimension, key in keys.items():
        groups: dict[str, list[Trade]] = defaultdict(list)
        for t in trades:
            groups[key(t)].append(t)
        for label, members in sorted(groups.items()):
            net = sum((_net_between(t, start, end) for t in members), ZERO)
            out.append(AttributionRow(dimension, label, len(members), money(net)))
    return out


def _closed_at(trade: Trade) -> datetime | None:
    steps = realised_steps(trade.fills)
    return steps[-1].fill.ts if steps and steps[-1].position_after == 0 else None


def _drift(trades: list[Trade], start: datetime, end: datetime) -> list[DriftRow]:
    """Hit rate of signals, precision of the meta-label, and expected (tp probability) vs actual."""
    now, before = [], []
    for t in trades:
        closed = _closed_at(t)
        if closed is None:
            continue
        if start <= closed < end:
            now.append(t)
        elif closed < start:
            before.append(t)

    def won(t: Trade) -> bool:
        return sum((s.realised_inr - s.fill.fees for s in realised_steps(t.fills)), ZERO) > 0

    def rate(ts: list[Trade]) -> float | None:
        return sum(won(t) for t in ts) / len(ts) if ts else None

    def expected(ts: list[Trade]) -> float | None:
        probs = [t.tp_probability for t in ts if t.tp_probability is not None]
        return sum(probs) / len(probs) if probs else None

    def trusted(ts: list[Trade]) -> list[Trade]:
        return [t for t in ts if t.meta_trustworthy]

    with_p_now = [t for t in now if t.tp_probability is not None]
    with_p_before = [t for t in before if t.tp_probability is not None]
    return [
        DriftRow("signal hit rate", rate(now), rate(before), len(now), len(before)),
        DriftRow(
            "meta-label precision",
            rate(trusted(now)),
            rate(trusted(before)),
            len(trusted(now)),
            len(trusted(before)),
        ),
        DriftRow(
            "expected hit rate (tp probability)",
            expected(now),
            expected(before),
            len(with_p_now),
            len(with_p_before),
        ),
    ]
