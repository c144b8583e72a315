"""Own purged and embargoed walk-forward splits for samples whose labels span [t0, t1].

A sample decided at t0 whose label is known only at t1 (its triple-barrier exit) may be used for
training a fold whose test window starts at `test_start` only if t1 < test_start − embargo: no
label horizon may overlap the boundary (purging), and a gap of `embargo` after it keeps serially
correlated samples apart (embargo). Walk-forward: training uses the past only, and the model is
retrained for every fold.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.errors import ValidationError

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Fold:
    """One walk-forward fold: masks over the samples plus its time window."""

    number: int
    test_start: pd.Timestamp
    test_end: pd.Timestamp  # exclusive
    train: BoolArray
    test: BoolArray


def purged_train_mask(
    t0: pd.Series, t1: pd.Series, boundary: pd.Timestamp, embargo: pd.Timedelta
) -> BoolArray:
    """Samples decided before `boundary` whose labels resolve before boundary − embargo."""
    return np.asarray((t0 < boundary) & (t1 < boundary - embargo), dtype=bool)


def walk_forward(
    t0: pd.Series,
    t1: pd.Series,
    *,
    test_years: int = 1,
    min_train_years: int = 3,
    embargo_days: int = 5,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> Iterator[Fold]:
    """Expanding-window folds of `test_years` calendar years each, after `min_train_years`."""
    if len(t0) != len(t1):
        raise ValidationError("t0 and t1 lengths differ", field="t1")
    if len(t0) == 0:
        return
    if (t1 < t0).any():
        raise ValidationError("a label resolves before it was decided (t1 < t0)", field="t1")
    if test_years < 1 or min_train_years < 1:
        raise ValidationError("fold lengths must be at least one year", field="test_years")
    first, last = t0.min(), t0.max()
    cursor = pd.Timestamp(year=first.year + min_train_years, month=1, day=1, tz=first.tz)
    if start is not None:
        cursor = max(cursor, start)
    stop = last if end is None else min(last, end)
    embargo = pd.Timedelta(days=embargo_days)
    number = 0
    while cursor <= stop:
        nxt = min(cursor + pd.DateOffset(years=test_years), stop + pd.Timedelta(days=1))
        test = np.asarray((t0 >= cursor) & (t0 < nxt), dtype=bool)
        if test.any():
            train = purged_train_mask(t0, t1, cursor, embargo)
            yield Fold(number, cursor, nxt, train, test)
            number += 1
        cursor = nxt


def split_by_time(
    t0: pd.Series,
    t1: pd.Series,
    mask: BoolArray,
    fractions: tuple[float, ...],
    embargo: pd.Timedelta,
) -> list[BoolArray]:
    """Cut the samples under `mask` into consecutive time blocks (by t0 quantiles), each purged
    against the next: block k keeps only samples whose labels resolve before block k+1 starts."""
    if abs(sum(fractions) - 1.0) > 1e-9:
        raise ValidationError("fractions must sum to 1", field="fractions")
    times = t0[mask]
    if times.empty:
        return [np.zeros(len(t0), dtype=bool) for _ in fractions]
    edges = [times.quantile(q) for q in np.cumsum(fractions)[:-1]]
    bounds = [times.min(), *edges, times.max() + pd.Timedelta(days=1)]
    blocks = []
    for k in range(len(fractions)):
        lo, hi = bounds[k], bounds[k + 1]
        block = mask & np.asarray((t0 >= lo) & (t0 < hi), dtype=bool)
        if k + 1 < len(fractions):
            block &= np.asarray(t1 < hi - embargo, dtype=bool)
        blocks.append(block)
    return blocks
