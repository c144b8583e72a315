"""Own the backtest portfolio: fixed-risk sizing, position limits, cash, fills with charges, and a
daily mark-to-market equity curve. Trades come in already resolved (entry/exit bar and reference
prices from the triple-barrier path); this module decides which ones fit and what they earn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from core.errors import ValidationError
from tools.backtest.fills import FillModel
from tools.signals.labels import SL

TRADE_COLUMNS = (
    "row",
    "symbol",
    "strategy",
    "direction",
    "entry_idx",
    "exit_idx",
    "entry_price",
    "exit_price",
    "stop_distance",
    "label",
    "gap_exit",
    "quality",
)


@dataclass(frozen=True, slots=True)
class SizingConfig:
    """Fixed-fractional risk: lose at most `risk_per_trade_frac` of equity if the stop is hit."""

    capital_inr: float = 1_000_000.0
    risk_per_trade_frac: float = 0.01
    max_positions: int = 10
    max_position_frac: float = 0.20

    def __post_init__(self) -> None:
        if self.capital_inr <= 0:
            raise ValidationError("capital must be positive", field="capital_inr")
        if not 0 < self.risk_per_trade_frac <= 0.1:
            raise ValidationError("must be in (0, 0.1]", field="risk_per_trade_frac")
        if self.max_positions < 1 or not 0 < self.max_position_frac <= 1:
            raise ValidationError("bad position limits", field="max_positions")


@dataclass
class SimResult:
    """Equity and invested value per session, the executed trades and the traded value."""

    equity: pd.Series
    invested: pd.Series
    trades: pd.DataFrame
    traded_value_inr: float
    skipped: dict[str, int]


@dataclass
class _Open:
    symbol: str
    qty: int
    entry_fill: float
    exit_idx: int
    trade: int


def simulate(
    frame: pd.DataFrame,
    trades: pd.DataFrame,
    fills: FillModel,
    sizing: SizingConfig,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> SimResult:
    """Run `trades` (TRADE_COLUMNS) through the portfolio over sessions in [start, end).

    Each session: enter that session's trades at the open, best quality first, while slots,
    cash and the position cap allow; then book exits due that session; then mark to the close.
    """
    if (trades["direction"] != 1).any():
        raise ValidationError(
            "the portfolio simulation is long-only (delivery equity)", field="direction"
        )
    days, row_day, closes, sym_col = _calendar(frame)
    lo, hi = np.searchsorted(days, _ns(start)), np.searchsorted(days, _ns(end))
    by_day = _by_entry_day(trades, row_day)
    cash = sizing.capital_inr
    held: list[_Open] = []
    done: list[dict[str, object]] = []
    skipped = {"no_slot": 0, "held": 0, "too_small": 0}
    traded = 0.0
    eq, inv = np.empty(hi - lo), np.empty(hi - lo)
    for k in range(lo, hi):
        equity_prev = eq[k - lo - 1] if k > lo else sizing.capital_inr
        for tr in by_day.get(k, []):
            opened = _try_enter(tr, held, cash, equity_prev, fills, sizing, skipped)
            if opened is not None:
                pos, cost, charges = opened
                pos.trade = len(done)
                done.append(_record(tr, pos, cost, charges))
                held.append(pos)
                cash -= cost
                traded += pos.qty * pos.entry_fill
        for pos in [p for p in held if row_day[p.exit_idx] <= k]:
            cash += _book_exit(pos, done, fills)
            traded += pos.qty * float(done[pos.trade]["exit_fill"])  # type: ignore[arg-type]
            held.remove(pos)
        marked = sum(p.qty * _px(closes, k, sym_col[p.symbol], p.entry_fill) for p in held)
        eq[k - lo], inv[k - lo] = cash + marked, marked
    index = pd.DatetimeIndex(pd.to_datetime(days[lo:hi], utc=True)).tz_convert(
        frame["session"].dt.tz
    )
    return SimResult(
        pd.Series(eq, index=index), pd.Series(inv, index=index), pd.DataFrame(done), traded, skipped
    )


def _by_entry_day(trades: pd.DataFrame, row_day: np.ndarray) -> dict[int, list[dict[str, Any]]]:
    """Trade records grouped by entry session number, best quality first within a session."""
    entry_day = row_day[trades["entry_idx"].to_numpy(dtype=np.int64)]
    order = np.lexsort((-trades["quality"].to_numpy(dtype=float), entry_day))
    recs = cast(list[dict[str, Any]], trades.iloc[order][list(TRADE_COLUMNS)].to_dict("records"))
    by_day: dict[int, list[dict[str, Any]]] = {}
    for rec, d in zip(recs, entry_day[order], strict=True):
        by_day.setdefault(int(d), []).append(rec)
    return by_day


def _ns(ts: pd.Timestamp) -> np.int64:
    return np.int64(pd.Timestamp(ts).tz_convert("UTC").value)


def _calendar(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """Sorted session times (ns), each row's session number, the forward-filled close matrix
    (session × symbol) and each symbol's column."""
    row_ns = frame["session"].dt.tz_convert("UTC").array.asi8
    days, row_day = np.unique(row_ns, return_inverse=True)
    codes, symbols = pd.factorize(frame["symbol"])
    closes = np.full((len(days), len(symbols)), np.nan)
    closes[row_day, codes] = frame["close"].to_numpy(dtype=float)
    closes = pd.DataFrame(closes).ffill().to_numpy()
    return days, row_day, closes, {str(s): i for i, s in enumerate(symbols)}


def _px(closes: np.ndarray, k: int, j: int, fallback: float) -> float:
    v = closes[k, j]
    return fallback if math.isnan(v) else float(v)


def _try_enter(
    tr: dict[str, Any],
    held: list[_Open],
    cash: float,
    equity: float,
    fills: FillModel,
    sizing: SizingConfig,
    skipped: dict[str, int],
) -> tuple[_Open, float, float] | None:
    if any(p.symbol == tr["symbol"] for p in held):
        skipped["held"] += 1
        return None
    if len(held) >= sizing.max_positions:
        skipped["no_slot"] += 1
        return None
    entry_ref = float(tr["entry_price"])
    by_risk = equity * sizing.risk_per_trade_frac / float(tr["stop_distance"])
    by_cap = equity * sizing.max_position_frac / entry_ref
    by_cash = cash * 0.995 / entry_ref  # leave room for charges
    qty = int(min(by_risk, by_cap, by_cash))
    if qty < 1:
        skipped["too_small"] += 1
        return None
    fill, charges = fills.entry(qty, entry_ref, int(tr["direction"]))
    pos = _Open(str(tr["symbol"]), qty, float(fill), int(tr["exit_idx"]), -1)
    return pos, float(fill) * qty + float(charges), float(charges)


def _record(tr: dict[str, Any], pos: _Open, cost: float, charges: float) -> dict[str, object]:
    return {
        "row": int(tr["row"]),
        "symbol": pos.symbol,
        "strategy": tr["strategy"],
        "label": int(tr["label"]),
        "qty": pos.qty,
        "entry_fill": pos.entry_fill,
        "entry_cost": cost,
        "entry_charges": charges,
        "exit_ref": float(tr["exit_price"]),
        "stop_exit": bool(tr["label"] == SL),
        "quality": float(tr["quality"]),
    }


def _book_exit(pos: _Open, done: list[dict[str, object]], fills: FillModel) -> float:
    rec = done[pos.trade]
    fill, charges = fills.exit(
        pos.qty,
        float(rec["exit_ref"]),  # type: ignore[arg-type]
        stop=bool(rec["stop_exit"]),
    )
    proceeds = float(fill) * pos.qty - float(charges)
    rec["exit_fill"] = float(fill)
    rec["net_pnl_inr"] = proceeds - float(rec["entry_cost"])  # type: ignore[arg-type]
    rec["charges_inr"] = float(charges) + float(rec["entry_charges"])  # type: ignore[arg-type]
    return proceeds
