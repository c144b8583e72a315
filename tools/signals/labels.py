"""Own triple-barrier labelling (López de Prado): which of TP, SL or time is touched first.

Conventions (see docs/signals.md):
- A signal decided at the close of bar t enters at the OPEN of bar t+1 (`entry_idx`).
- Barriers: TP = entry + d·k_tp·ATR, SL = entry − d·k_sl·ATR (d = +1 long, −1 short), with ATR
  known at the signal bar. The vertical barrier is `horizon_days` sessions counting the entry day.
- On every bar after the entry bar the open is checked first: an open through the stop exits at
  the open (gap-through, worse than the stop); an open through the target exits at the open.
- Within a bar, a touch of both barriers is resolved conservatively: stop first (daily bars do
  not say which came first).
- Unresolved at the vertical barrier: exit at that bar's close, label 0. Windows that run past
  the end of the data are marked incomplete (label 0, complete=False) and must not be trained on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core.errors import ValidationError

TP, SL, VERTICAL = 1, -1, 0
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class BarrierConfig:
    """ATR multiples for the horizontal barriers and the vertical barrier in sessions."""

    k_tp: float = 2.0
    k_sl: float = 1.0
    horizon_days: int = 10

    def __post_init__(self) -> None:
        if self.k_tp <= 0 or self.k_sl <= 0:
            raise ValidationError("barrier multiples must be positive", field="k_tp/k_sl")
        if self.horizon_days < 1:
            raise ValidationError("horizon must be at least one session", field="horizon_days")


@dataclass(frozen=True, slots=True)
class BarrierLabels:
    """Per-event outcome arrays (all the same length as the events)."""

    label: IntArray  # +1 TP first, −1 SL first, 0 vertical
    exit_idx: IntArray  # bar index of the exit
    exit_price: FloatArray
    entry_price: FloatArray
    ret: FloatArray  # realised return in the trade's direction, fraction (before costs)
    holding_days: IntArray  # sessions held, entry day counts as 1
    complete: npt.NDArray[np.bool_]
    gap_exit: npt.NDArray[np.bool_]  # exit happened at an open beyond the barrier


@dataclass(frozen=True, slots=True)
class PriceArrays:
    """One or more symbols' bars concatenated; `end_idx[i]` is the last bar of bar i's symbol."""

    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    end_idx: IntArray

    @classmethod
    def single(cls, o: object, h: object, lo: object, c: object) -> PriceArrays:
        """Arrays for one symbol."""
        arrs = [np.asarray(x, dtype=np.float64) for x in (o, h, lo, c)]
        n = len(arrs[0])
        if any(len(a) != n for a in arrs):
            raise ValidationError("open/high/low/close lengths differ", field="prices")
        return cls(arrs[0], arrs[1], arrs[2], arrs[3], end_idx=np.full(n, n - 1, dtype=np.int64))


def triple_barrier(
    prices: PriceArrays,
    entry_idx: npt.ArrayLike,
    atr: npt.ArrayLike,
    direction: npt.ArrayLike,
    cfg: BarrierConfig,
    k_tp: npt.ArrayLike | None = None,
    k_sl: npt.ArrayLike | None = None,
) -> BarrierLabels:
    """Label events entering at `entry_idx` (open) with barriers from `atr`; vectorised (N×H).

    `k_tp`/`k_sl` may override the config per event (playbook multipliers).
    """
    idx = np.asarray(entry_idx, dtype=np.int64)
    d = np.asarray(direction, dtype=np.float64) * np.ones(len(idx))
    atr_a = np.asarray(atr, dtype=np.float64) * np.ones(len(idx))
    _check_events(prices, idx, atr_a, d)
    ktp = np.asarray(cfg.k_tp if k_tp is None else k_tp, dtype=np.float64) * np.ones(len(idx))
    ksl = np.asarray(cfg.k_sl if k_sl is None else k_sl, dtype=np.float64) * np.ones(len(idx))
    entry = prices.open[idx]
    tp_lvl, sl_lvl = entry + d * ktp * atr_a, entry - d * ksl * atr_a
    h = cfg.horizon_days
    last = np.minimum(idx + h - 1, prices.end_idx[idx])
    sl_open, tp_open, sl_bar, tp_bar = _touches(prices, idx, last, d, tp_lvl, sl_lvl, h)
    any_hit = sl_open | tp_open | sl_bar | tp_bar
    hit = any_hit.any(axis=1)
    first = np.where(hit, any_hit.argmax(axis=1), last - idx)
    rows = np.arange(len(idx))
    is_sl_open, is_tp_open = sl_open[rows, first], tp_open[rows, first]
    is_sl = hit & (is_sl_open | (~is_tp_open & sl_bar[rows, first]))
    is_tp = hit & ~is_sl
    exit_idx = idx + first
    exit_px = prices.close[exit_idx].copy()
    exit_px = np.where(is_sl, np.where(is_sl_open, prices.open[exit_idx], sl_lvl), exit_px)
    exit_px = np.where(is_tp, np.where(is_tp_open, prices.open[exit_idx], tp_lvl), exit_px)
    label = np.where(is_tp, TP, np.where(is_sl, SL, VERTICAL)).astype(np.int64)
    complete = hit | (idx + h - 1 <= prices.end_idx[idx])
    return BarrierLabels(
        label=label,
        exit_idx=exit_idx,
        exit_price=exit_px,
        entry_price=entry,
        ret=d * (exit_px - entry) / entry,
        holding_days=(first + 1).astype(np.int64),
        complete=complete,
        gap_exit=hit & (is_sl_open | is_tp_open),
    )


def _touches(
    prices: PriceArrays,
    idx: IntArray,
    last: IntArray,
    d: FloatArray,
    tp_lvl: FloatArray,
    sl_lvl: FloatArray,
    h: int,
) -> tuple[npt.NDArray[np.bool_], ...]:
    """N×H masks: stop / target gapped through at the open (after the entry bar), and stop /
    target touched within the bar. Steps past `last` are masked out."""
    steps = np.arange(h, dtype=np.int64)
    win = np.minimum(idx[:, None] + steps[None, :], last[:, None])
    valid = (idx[:, None] + steps[None, :]) <= last[:, None]
    o, hi, lo = prices.open[win], prices.high[win], prices.low[win]
    fav, adv = np.where(d[:, None] > 0, hi, lo), np.where(d[:, None] > 0, lo, hi)
    gap = steps[None, :] > 0
    sl_open = gap & (d[:, None] * (o - sl_lvl[:, None]) <= 0) & valid
    tp_open = gap & (d[:, None] * (o - tp_lvl[:, None]) >= 0) & valid & ~sl_open
    sl_bar = (d[:, None] * (adv - sl_lvl[:, None]) <= 0) & valid
    tp_bar = (d[:, None] * (fav - tp_lvl[:, None]) >= 0) & valid
    return sl_open, tp_open, sl_bar, tp_bar


def _check_events(prices: PriceArrays, idx: IntArray, atr: FloatArray, d: FloatArray) -> None:
    n = len(prices.open)
    if len(idx) and (idx.min() < 0 or idx.max() >= n):
        raise ValidationError(f"entry index outside 0..{n - 1}", field="entry_idx")
    bad_atr = ~np.isfinite(atr) | (atr <= 0)
    if bad_atr.any():
        raise ValidationError(
            f"ATR must be positive; event {int(bad_atr.argmax())} is not", field="atr"
        )
    if not np.isin(d, (-1.0, 1.0)).all():
        raise ValidationError("direction must be +1 (long) or -1 (short)", field="direction")
