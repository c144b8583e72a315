"""Purged and embargoed walk-forward splits: no label horizon crosses a train/test boundary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import ValidationError
from tools.backtest.splits import purged_train_mask, split_by_time, walk_forward


def _samples(days: int = 6 * 365, horizon: int = 14) -> tuple[pd.Series, pd.Series]:
    t0 = pd.Series(pd.date_range("2010-01-01", periods=days, freq="D", tz="UTC"))
    return t0, t0 + pd.Timedelta(days=horizon)


def test_purge_drops_labels_that_resolve_inside_test() -> None:
    t0 = pd.Series(pd.to_datetime(["2020-01-01", "2020-12-20", "2020-12-28"], utc=True))
    t1 = pd.Series(pd.to_datetime(["2020-01-10", "2020-12-29", "2021-01-05"], utc=True))
    boundary = pd.Timestamp("2021-01-01", tz="UTC")
    mask = purged_train_mask(t0, t1, boundary, pd.Timedelta(days=5))
    # 2nd resolves 29 Dec, inside the 5-day embargo before 1 Jan; 3rd straddles the boundary.
    assert mask.tolist() == [True, False, False]


def test_walk_forward_folds_never_leak() -> None:
    t0, t1 = _samples()
    folds = list(walk_forward(t0, t1, test_years=1, min_train_years=2, embargo_days=5))
    assert [f.test_start.year for f in folds] == [2012, 2013, 2014, 2015]
    for fold in folds:
        assert fold.train.any()
        assert not (fold.train & fold.test).any()
        assert t1[fold.train].max() < fold.test_start - pd.Timedelta(days=5)
        assert t0[fold.test].min() >= fold.test_start
        assert t0[fold.test].max() < fold.test_end
    # Expanding window: each fold trains on at least as much as the one before.
    sizes = [int(f.train.sum()) for f in folds]
    assert sizes == sorted(sizes)


def test_test_windows_tile_the_period_without_overlap() -> None:
    t0, t1 = _samples()
    folds = list(walk_forward(t0, t1, test_years=1, min_train_years=2))
    covered = np.zeros(len(t0), dtype=int)
    for f in folds:
        covered += f.test
    assert covered.max() == 1
    assert covered[t0 >= pd.Timestamp("2012-01-01", tz="UTC")].min() == 1


def test_split_by_time_purges_between_blocks() -> None:
    t0, t1 = _samples(days=300, horizon=10)
    mask = np.ones(len(t0), dtype=bool)
    a, b, c = split_by_time(t0, t1, mask, (0.5, 0.3, 0.2), pd.Timedelta(days=3))
    assert not (a & b).any()
    assert not (b & c).any()
    assert t1[a].max() < t0[b].min()
    assert t1[b].max() < t0[c].min()
    assert c.sum() > 0


def test_label_before_decision_is_refused() -> None:
    t0, _ = _samples(days=10)
    with pytest.raises(ValidationError):
        list(walk_forward(t0, t0 - pd.Timedelta(days=1)))
