"""Report arithmetic checked against cases worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tools.reports.pnl import (
    FillLine,
    compound,
    drawdowns,
    hit_rate,
    max_drawdown,
    realised_between,
    realised_steps,
    time_weighted_returns,
    wealth_index,
)

T0 = datetime(2025, 12, 16, 4, 0, tzinfo=UTC)


def fill(minutes: int, side: str, qty: int, price: str, fees: str = "0") -> FillLine:
    return FillLine(T0 + timedelta(minutes=minutes), side, qty, Decimal(price), Decimal(fees))


def test_long_partial_exits_use_average_cost() -> None:
    # buy 10 @ 100, buy 10 @ 110 -> avg 105; sell 5 @ 120 -> +75; sell 15 @ 100 -> -75
    steps = realised_steps(
        [
            fill(0, "BUY", 10, "100"),
            fill(1, "BUY", 10, "110"),
            fill(2, "SELL", 5, "120"),
            fill(3, "SELL", 15, "100"),
        ]
    )
    assert [s.realised_inr for s in steps] == [0, 0, Decimal("75.00"), Decimal("-75.00")]
    assert [s.position_after for s in steps] == [10, 20, 15, 0]
    assert steps[1].average_after == Decimal("105")


def test_short_profits_when_price_falls_and_flip_opens_at_fill_price() -> None:
    # sell 10 @ 200 (short), buy 4 @ 190 -> +40; buy 10 @ 180 closes 6 (+120), opens long 4 @ 180
    steps = realised_steps(
        [
            fill(0, "SELL", 10, "200"),
            fill(1, "BUY", 4, "190"),
            fill(2, "BUY", 10, "180"),
        ]
    )
    assert [s.realised_inr for s in steps] == [0, Decimal("40.00"), Decimal("120.00")]
    assert steps[-1].position_after == 4
    assert steps[-1].average_after == Decimal("180")


def test_fills_out_of_order_are_sorted_by_time() -> None:
    steps = realised_steps([fill(5, "SELL", 1, "110"), fill(0, "BUY", 1, "100")])
    assert steps[-1].realised_inr == Decimal("10.00")


def test_realised_between_counts_only_the_window_and_its_fees() -> None:
    fills = [fill(0, "BUY", 10, "100", "1.50"), fill(60 * 24, "SELL", 10, "103", "2.25")]
    day1 = realised_between(fills, T0, T0 + timedelta(hours=1))
    day2 = realised_between(fills, T0 + timedelta(days=1), T0 + timedelta(days=2))
    assert day1 == (Decimal("0.00"), Decimal("1.50"))
    assert day2 == (Decimal("30.00"), Decimal("2.25"))


def test_zero_quantity_fill_is_refused() -> None:
    with pytest.raises(ValueError, match="quantity"):
        realised_steps([fill(0, "BUY", 0, "100")])


def test_time_weighted_return_ignores_deposits() -> None:
    # day 1: 1000 -> 1100 is +10 %; day 2 brings a 500 deposit
    equity = [1000.0, 1100.0, 1650.0, 1815.0]
    flows = [0.0, 0.0, 500.0, 0.0]
    r = time_weighted_returns(equity, flows)
    # day 2: (1650 - 1100 - 500) / 1100 = 50/1100; day 3: 165/1650 = 10 %
    assert r == pytest.approx([0.10, 50 / 1100, 0.10])
    assert compound(r) == pytest.approx(1.1 * (1 + 50 / 1100) * 1.1 - 1)


def test_drawdown_of_a_worked_series() -> None:
    wealth = wealth_index([0.10, -0.20, 0.05])  # 1, 1.1, 0.88, 0.924
    assert wealth == pytest.approx([1.0, 1.1, 0.88, 0.924])
    assert drawdowns(wealth) == pytest.approx([0.0, 0.0, -0.2, 0.924 / 1.1 - 1])
    assert max_drawdown(wealth) == pytest.approx(-0.2)
    assert max_drawdown([]) == 0.0


def test_hit_rate_counts_only_positive_results() -> None:
    assert hit_rate([Decimal("5"), Decimal("0"), Decimal("-2"), Decimal("1")]) == (2, 4, 0.5)
    assert hit_rate([]) == (0, 0, None)
