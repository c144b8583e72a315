"""Own backtest metrics: classification quality of the meta-labeler and portfolio performance
(CAGR, Sharpe, Sortino, max drawdown, turnover) from a daily equity curve."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

TRADING_DAYS = 252


@dataclass(frozen=True, slots=True)
class ClassMetrics:
    """Confusion-matrix figures of a binary filter (positive = predicted TP-first)."""

    n: int
    base_rate: float
    precision: float
    recall: float
    false_positive_rate: float
    selected: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def classification(y_true: npt.ArrayLike, y_pred: npt.ArrayLike) -> ClassMetrics:
    """Precision, recall and false-positive rate; NaN where undefined (no positives, ...)."""
    t = np.asarray(y_true, dtype=bool)
    p = np.asarray(y_pred, dtype=bool)
    tp, fp = int((t & p).sum()), int((~t & p).sum())
    fn, tn = int((t & ~p).sum()), int((~t & ~p).sum())
    return ClassMetrics(
        n=len(t),
        base_rate=_ratio(tp + fn, len(t)),
        precision=_ratio(tp, tp + fp),
        recall=_ratio(tp, tp + fn),
        false_positive_rate=_ratio(fp, fp + tn),
        selected=tp + fp,
    )


def _ratio(a: int, b: int) -> float:
    return a / b if b else math.nan


def wilson_lower(successes: npt.ArrayLike, n: npt.ArrayLike, z: float = 1.96) -> npt.NDArray[Any]:
    """Lower bound of the Wilson score interval: precision we can trust given the support."""
    s, m = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        phat = s / m
        centre = phat + z * z / (2 * m)
        margin = z * np.sqrt(phat * (1 - phat) / m + z * z / (4 * m * m))
        out = (centre - margin) / (1 + z * z / m)
    return np.where(m > 0, out, 0.0)


@dataclass(frozen=True, slots=True)
class PerfMetrics:
    """Portfolio performance of one equity curve."""

    start_equity_inr: float
    end_equity_inr: float
    years: float
    cagr_pct: float
    sharpe: float
    sortino: float
    max_drawdown_pct: float
    turnover_x_per_year: float
    exposure_pct: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def performance(equity: pd.Series, traded_value_inr: float, invested: pd.Series) -> PerfMetrics:
    """Figures from a daily equity curve (indexed by date), the total value bought and sold, and
    the invested (marked) value per day. Sharpe/Sortino are annualised with 252 days, rf = 0."""
    if len(equity) < 2:
        nan = math.nan
        start = float(equity.iloc[0]) if len(equity) else nan
        return PerfMetrics(start, start, 0.0, nan, nan, nan, nan, nan, nan)
    start, end = float(equity.iloc[0]), float(equity.iloc[-1])
    years = max((equity.index[-1] - equity.index[0]).days / 365.25, 1 / TRADING_DAYS)
    rets = equity.pct_change().dropna().to_numpy()
    sd = rets.std(ddof=1) if len(rets) > 1 else 0.0
    downside = np.sqrt(np.mean(np.minimum(rets, 0.0) ** 2))
    mean = rets.mean()
    drawdown = (equity / equity.cummax() - 1).min()
    avg_equity = float(equity.mean())
    return PerfMetrics(
        start_equity_inr=start,
        end_equity_inr=end,
        years=round(years, 3),
        cagr_pct=100 * ((end / start) ** (1 / years) - 1) if end > 0 else -100.0,
        sharpe=float(mean / sd * math.sqrt(TRADING_DAYS)) if sd > 0 else math.nan,
        sortino=float(mean / downside * math.sqrt(TRADING_DAYS)) if downside > 0 else math.nan,
        max_drawdown_pct=float(-100 * drawdown),
        turnover_x_per_year=traded_value_inr / 2 / avg_equity / years if avg_equity > 0 else 0.0,
        exposure_pct=float(100 * (invested / equity).mean()),
    )
