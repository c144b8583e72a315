"""Own the report arithmetic: average-cost realised P&L, time-weighted returns, drawdown, hit rate.

Pure functions over plain values (no I/O) so every figure in a report can be checked by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from core.money import ZERO, money


@dataclass(frozen=True, slots=True)
class FillLine:
    """One execution as a report sees it (side BUY/SELL, quantity > 0, fees in rupees)."""

    ts: datetime
    side: str
    quantity: int
    price: Decimal
    fees: Decimal


@dataclass(frozen=True, slots=True)
class RealisedStep:
    """The realised P&L a fill produced (zero for fills that open or add to a position)."""

    fill: FillLine
    realised_inr: Decimal
    position_after: int
    average_after: Decimal


def realised_steps(fills: Sequence[FillLine]) -> list[RealisedStep]:
    """Walk fills in time order with average-cost accounting; long and short both work.

    Reducing fills realise (price - average) x closed quantity x sign(position); a fill that
    flips the position opens the remainder at its own price. Fees are not included here.
    """
    pos, avg = 0, ZERO
    out: list[RealisedStep] = []
    for f in sorted(fills, key=lambda x: x.ts):
        if f.quantity <= 0:
            raise ValueError(f"fill at {f.ts.isoformat()}: quantity must be positive")
        q = f.quantity if f.side == "BUY" else -f.quantity
        realised = ZERO
        if pos == 0 or (pos > 0) == (q > 0):
            avg = (avg * abs(pos) + f.price * abs(q)) / (abs(pos) + abs(q))
            pos += q
        else:
            closed = min(abs(q), abs(pos))
            sign = 1 if pos > 0 else -1
            realised = (f.price - avg) * closed * sign
            pos += q
            if pos != 0 and (pos > 0) != (sign > 0):
                avg = f.price
            elif pos == 0:
                avg = ZERO
        out.append(RealisedStep(f, money(realised), pos, avg))
    return out


def realised_between(
    fills: Sequence[FillLine], start: datetime, end: datetime
) -> tuple[Decimal, Decimal]:
    """Return (gross realised P&L, fees) of the fills with start <= ts < end."""
    gross, fees = ZERO, ZERO
    for step in realised_steps(fills):
        if start <= step.fill.ts < end:
            gross += step.realised_inr
            fees += step.fill.fees
    return money(gross), money(fees)


def hit_rate(net_results: Iterable[Decimal]) -> tuple[int, int, float | None]:
    """Return (wins, trades, wins / trades); a trade wins when its net result is above zero."""
    results = list(net_results)
    wins = sum(1 for r in results if r > 0)
    return wins, len(results), (wins / len(results) if results else None)


def time_weighted_returns(equity: Sequence[float], flows: Sequence[float]) -> list[float]:
    """Daily returns that ignore deposits/withdrawals: r_t = (E_t - E_{t-1} - F_t) / E_{t-1}.

    equity[t] is the end-of-day equity, flows[t] the net external money that arrived on day t.
    Days whose previous equity is not positive yield 0.0 (nothing was at risk).
    """
    if len(equity) != len(flows):
        raise ValueError("equity and flows must have the same length")
    out: list[float] = []
    for t in range(1, len(equity)):
        prev = equity[t - 1]
        out.append((equity[t] - prev - flows[t]) / prev if prev > 0 else 0.0)
    return out


def compound(returns: Iterable[float]) -> float:
    """Chain daily returns into one period return."""
    total = 1.0
    for r in returns:
        total *= 1.0 + r
    return total - 1.0


def wealth_index(returns: Sequence[float]) -> list[float]:
    """Growth of 1 rupee through the returns, starting at 1.0 (length len(returns) + 1)."""
    out = [1.0]
    for r in returns:
        out.append(out[-1] * (1.0 + r))
    return out


def drawdowns(wealth: Sequence[float]) -> list[float]:
    """Drawdown from the running peak at each point, as a fraction <= 0."""
    peak, out = float("-inf"), []
    for w in wealth:
        peak = max(peak, w)
        out.append(w / peak - 1.0 if peak > 0 else 0.0)
    return out


def max_drawdown(wealth: Sequence[float]) -> float:
    """The deepest drawdown of a wealth series (0.0 for an empty or rising series)."""
    return min(drawdowns(wealth), default=0.0)
