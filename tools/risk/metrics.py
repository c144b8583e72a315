"""Own the pure risk arithmetic of a monitor tick: open risk, P&L, drawdown, vol per scope."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple


class Holding(NamedTuple):
    """One open position as the monitor sees it (floats: this is risk maths, not money)."""

    account_id: int
    symbol: str
    sector: str | None
    sign: int  # +1 long, -1 short
    quantity: int
    average: float
    stop: float | None
    risk_at_open: float
    opened_today: bool


@dataclass
class ScopeMetrics:
    """Aggregates for an account (or the portfolio when account_id is None)."""

    account_id: int | None
    equity: float = 0.0
    open_risk: float = 0.0
    unrealized: float = 0.0
    realized_today: float = 0.0
    new_risk_today: float = 0.0
    count: int = 0
    gross: float = 0.0
    drawdown: float = 0.0
    volatility: float | None = None
    sectors: dict[str, float] = field(default_factory=dict)
    _vol_terms: list[float] = field(default_factory=list)

    @property
    def pnl_today(self) -> float:
        return self.realized_today + self.unrealized

    @property
    def loss_today(self) -> float:
        return max(0.0, -self.pnl_today)

    def pct(self, value: float) -> float:
        return 100.0 * value / self.equity if self.equity > 0 else math.inf if value > 0 else 0.0


def add_holding(m: ScopeMetrics, h: Holding, price: float, sigma: float | None) -> None:
    """Fold one position at `price` into a scope's aggregates."""
    m.count += 1
    m.unrealized += (price - h.average) * h.quantity * h.sign
    if h.stop is None:
        m.open_risk += abs(price) * h.quantity
    else:
        m.open_risk += max(0.0, (price - h.stop) * h.quantity * h.sign)
    if h.opened_today:
        m.new_risk_today += h.risk_at_open
    notional = abs(price * h.quantity)
    m.gross += notional
    key = h.sector or "UNKNOWN"
    m.sectors[key] = m.sectors.get(key, 0.0) + notional
    if sigma is not None:
        m._vol_terms.append(notional * sigma)


def finish(m: ScopeMetrics, correlation: float) -> None:
    """Turn sector notionals into % of equity and combine per-position vol into portfolio vol.

    Portfolio variance with one average pairwise correlation rho:
    (1 - rho) * sum((w_i s_i)^2) + rho * (sum(w_i s_i))^2, weights as fractions of equity.
    """
    if m.equity > 0:
        m.sectors = {k: round(100.0 * v / m.equity, 2) for k, v in m.sectors.items()}
        terms = [t / m.equity for t in m._vol_terms]
        if terms:
            var = (1 - correlation) * sum(t * t for t in terms) + correlation * sum(terms) ** 2
            m.volatility = math.sqrt(var)


def annualised_vol(closes: Iterable[float]) -> float | None:
    """Annualised volatility of daily log returns (needs at least 5 closes)."""
    xs = [c for c in closes if c > 0]
    if len(xs) < 5:
        return None
    rets = [math.log(b / a) for a, b in itertools.pairwise(xs)]
    mean = sum(rets) / len(rets)
    var = sum((r - mean) ** 2 for r in rets) / (len(rets) - 1)
    return math.sqrt(var * 252)


def aggregate(holdings: Iterable[Holding], prices: Mapping[str, float],
              sigmas: Mapping[str, float | None], equity: Mapping[int, float],
              realized: Mapping[int, float], correlation: float) -> dict[int | None, ScopeMetrics]:
    """Metrics per account and for the whole portfolio (key None, merged from the accounts)."""
    scopes: dict[int | None, ScopeMetrics] = {
        acc: ScopeMetrics(acc, equity=value, realized_today=realized.get(acc, 0.0))
        for acc, value in equity.items()}
    for h in holdings:
        m = scopes.get(h.account_id)
        if m is None:
            m = scopes[h.account_id] = ScopeMetrics(h.account_id)
        add_holding(m, h, prices.get(h.symbol, h.average), sigmas.get(h.symbol))
    portfolio = ScopeMetrics(None, equity=sum(equity.values()),
                             realized_today=sum(realized.values()))
    for m in scopes.values():
        _merge(portfolio, m)
    scopes[None] = portfolio
    for m in scopes.values():
        finish(m, correlation)
    return scopes


def _merge(into: ScopeMetrics, m: ScopeMetrics) -> None:
    into.count += m.count
    into.unrealized += m.unrealized
    into.open_risk += m.open_risk
    into.new_risk_today += m.new_risk_today
    into.gross += m.gross
    for k, v in m.sectors.items():
        into.sectors[k] = into.sectors.get(k, 0.0) + v
    into._vol_terms.extend(m._vol_terms)
