"""Own rupee arithmetic: Decimal money, paise rounding and NSE tick-size rounding."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

PAISE = Decimal("0.01")
ZERO = Decimal("0")

# NSE equity tick schedule from 15 April 2025 (upper bound of price band, tick in rupees).
_TICK_SCHEDULE: tuple[tuple[Decimal, Decimal], ...] = (
    (Decimal("250"), Decimal("0.01")),
    (Decimal("1000"), Decimal("0.05")),
    (Decimal("5000"), Decimal("0.10")),
    (Decimal("10000"), Decimal("0.50")),
    (Decimal("20000"), Decimal("1.00")),
)
_TOP_TICK = Decimal("5.00")


def to_decimal(value: object) -> Decimal:
    """Convert a number or numeric string to Decimal without float artefacts."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def money(value: object) -> Decimal:
    """Round a rupee amount to paise, half-up (how contract notes round)."""
    return to_decimal(value).quantize(PAISE, rounding=ROUND_HALF_UP)


def default_tick_inr(price: object) -> Decimal:
    """Return the NSE equity tick for a price when the instrument master has none."""
    p = to_decimal(price)
    for upper, tick in _TICK_SCHEDULE:
        if p <= upper:
            return tick
    return _TOP_TICK


def round_to_tick(price: object, tick: object | None = None, mode: str = "nearest") -> Decimal:
    """Round a price onto the tick grid; mode is nearest, down or up."""
    p = to_decimal(price)
    t = to_decimal(tick) if tick is not None else default_tick_inr(p)
    if t <= 0:
        raise ValueError("tick must be positive")
    rounding = {"nearest": ROUND_HALF_EVEN, "down": ROUND_FLOOR, "up": ROUND_CEILING}[mode]
    steps = (p / t).quantize(Decimal("1"), rounding=rounding)
    return (steps * t).quantize(PAISE)
