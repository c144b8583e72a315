"""Triple-barrier labels against small cases worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import ValidationError
from tools.signals.labels import SL, TP, VERTICAL, BarrierConfig, PriceArrays, triple_barrier

CFG = BarrierConfig(k_tp=2.0, k_sl=1.0, horizon_days=3)


def _px(bars: list[tuple[float, float, float, float]]) -> PriceArrays:
    o, h, lo, c = zip(*bars, strict=True)
    return PriceArrays.single(o, h, lo, c)


def test_take_profit_first_long() -> None:
    # entry at open of bar 1 = 100, ATR 2 -> TP 104, SL 98. Bar 2 high 104.5 touches TP.
    px = _px([(99, 100, 98, 99), (100, 103, 99, 102), (102, 104.5, 101, 104), (104, 105, 103, 104)])
    out = triple_barrier(px, [1], [2.0], [1], CFG)
    assert out.label[0] == TP
    assert out.exit_idx[0] == 2
    assert out.exit_price[0] == pytest.approx(104.0)
    assert out.ret[0] == pytest.approx(0.04)
    assert out.holding_days[0] == 2
    assert out.complete[0]
    assert not out.gap_exit[0]


def test_tie_on_same_bar_is_stop_first() -> None:
    # Bar 1 ranges 97..105: both barriers touched on the entry day -> conservative SL at 98.
    px = _px([(99, 100, 98, 99), (100, 105, 97, 101), (101, 102, 100, 101), (101, 102, 100, 101)])
    out = triple_barrier(px, [1], [2.0], [1], CFG)
    assert out.label[0] == SL
    assert out.exit_price[0] == pytest.approx(98.0)
    assert out.ret[0] == pytest.approx(-0.02)
    assert out.holding_days[0] == 1


def test_gap_through_stop_exits_at_open() -> None:
    # Bar 2 opens at 95, below the 98 stop: exit at 95, not at 98.
    px = _px([(99, 100, 98, 99), (100, 101, 99, 100), (95, 96, 94, 95), (95, 96, 94, 95)])
    out = triple_barrier(px, [1], [2.0], [1], CFG)
    assert out.label[0] == SL
    assert out.exit_idx[0] == 2
    assert out.exit_price[0] == pytest.approx(95.0)
    assert out.ret[0] == pytest.approx(-0.05)
    assert out.gap_exit[0]


def test_gap_through_target_exits_at_open() -> None:
    px = _px([(99, 100, 98, 99), (100, 101, 99, 100), (106, 107, 97, 106), (106, 107, 105, 106)])
    out = triple_barrier(px, [1], [2.0], [1], CFG)
    # The open (106) is through TP 104; the later low 97 does not matter: exited at the open.
    assert out.label[0] == TP
    assert out.exit_price[0] == pytest.approx(106.0)


def test_vertical_barrier_exits_at_close() -> None:
    px = _px(
        [
            (99, 100, 98, 99),
            (100, 101, 99, 100),
            (100, 102, 99, 101),
            (101, 103, 100, 102.5),
            (102, 110, 90, 100),
        ]
    )
    out = triple_barrier(px, [1], [2.0], [1], CFG)
    # Horizon 3 sessions: bars 1,2,3; nothing touched; exit at bar 3 close 102.5.
    assert out.label[0] == VERTICAL
    assert out.exit_idx[0] == 3
    assert out.exit_price[0] == pytest.approx(102.5)
    assert out.holding_days[0] == 3
    assert out.complete[0]


def test_short_mirrors_barriers() -> None:
    # Short from 100, ATR 2: TP 96, SL 102. Bar 2 low 95.5 -> TP at 96.
    px = _px([(99, 100, 98, 99), (100, 101, 99, 100), (99, 100, 95.5, 97), (97, 98, 96, 97)])
    out = triple_barrier(px, [1], [2.0], [-1], CFG)
    assert out.label[0] == TP
    assert out.exit_price[0] == pytest.approx(96.0)
    assert out.ret[0] == pytest.approx(0.04)


def test_window_past_end_of_data_is_incomplete() -> None:
    px = _px([(99, 100, 98, 99), (100, 101, 99, 100), (100, 101, 99, 100)])
    out = triple_barrier(px, [1], [2.0], [1], CFG)
    assert not out.complete[0]
    assert out.label[0] == VERTICAL


def test_symbol_boundary_is_respected() -> None:
    # Two symbols concatenated; the first symbol's window must not run into the second's bars.
    o = np.array([100, 100, 50, 50], dtype=float)
    prices = PriceArrays(o, o + 1, o - 1, o, end_idx=np.array([1, 1, 3, 3]))
    out = triple_barrier(prices, [1], [2.0], [1], CFG)
    assert not out.complete[0]
    assert out.exit_idx[0] == 1


def test_per_event_multiplier_override() -> None:
    px = _px([(99, 100, 98, 99), (100, 103, 99, 102), (102, 104.5, 101, 104), (104, 105, 103, 104)])
    out = triple_barrier(px, [1, 1], [2.0, 2.0], [1, 1], CFG, k_tp=[2.0, 1.0])
    assert out.exit_idx.tolist() == [2, 1]  # TP 102 is reached on the entry bar with k_tp=1
    assert out.exit_price[1] == pytest.approx(102.0)


@pytest.mark.parametrize(("atr", "direction"), [([0.0], [1]), ([np.nan], [1]), ([2.0], [0])])
def test_bad_input_is_refused(atr: list[float], direction: list[int]) -> None:
    px = _px([(99, 100, 98, 99), (100, 101, 99, 100)])
    with pytest.raises(ValidationError):
        triple_barrier(px, [1], atr, direction, CFG)
