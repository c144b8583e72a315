"""Own the paper broker's pure matching rules: when and at what price a resting order fills."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.enums import OrderType, Side
from core.money import round_to_tick, to_decimal


@dataclass(frozen=True, slots=True)
class Tape:
    """One step of market data for matching: a bar, or a quote seen as a one-price bar.

    `gap` marks the first print of a session, where a stop that was jumped over fills at the
    open rather than at its trigger.
    """

    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: int | None  # shares traded in this step; None = unknown (no partial-fill cap)
    gap: bool = False


def with_slippage(price: Decimal, side: Side, bps: Decimal, tick: Decimal | None) -> Decimal:
    """Move a fill price against the trader by `bps` basis points, rounded onto the tick grid."""
    factor = Decimal(1) + (bps / Decimal(10_000)) * (1 if side == Side.BUY else -1)
    return round_to_tick(price * factor, tick, "up" if side == Side.BUY else "down")


def stop_triggered(side: Side, trigger: Decimal, tape: Tape) -> Decimal | None:
    """Price at which a stop order's trigger fires on this tape, or None.

    A sell stop fires when price trades at or below the trigger; when the step opens beyond it
    (a gap-through) the reference price is the open, never the trigger.
    """
    if side == Side.SELL:
        if tape.open <= trigger:
            return tape.open
        return trigger if tape.low <= trigger else None
    if tape.open >= trigger:
        return tape.open
    return trigger if tape.high >= trigger else None


def limit_touched(side: Side, limit: Decimal, tape: Tape) -> Decimal | None:
    """Fill price of a resting limit order on this tape (the open when it is better), or None."""
    if side == Side.BUY:
        if tape.open <= limit:
            return tape.open
        return limit if tape.low <= limit else None
    if tape.open >= limit:
        return tape.open
    return limit if tape.high >= limit else None


def fill_price(
    order_type: OrderType, side: Side, tape: Tape, *, price: Decimal | None,
    trigger: Decimal | None, triggered: bool, slippage_bps: Decimal, tick: Decimal | None,
) -> tuple[Decimal | None, bool]:
    """Return (fill price or None, triggered-now) for one resting order on one tape step."""
    if order_type == OrderType.MARKET:
        return with_slippage(tape.open, side, slippage_bps, tick), triggered
    if order_type == OrderType.LIMIT or (order_type == OrderType.SL and triggered):
        if price is None:
            raise ValueError(f"{order_type} order without a limit price")
        return limit_touched(side, price, tape), triggered
    if trigger is None:
        raise ValueError(f"{order_type} order without a trigger price")
    ref = stop_triggered(side, trigger, tape)
    if ref is None:
        return None, False
    if order_type == OrderType.SL_M:
        return with_slippage(ref, side, slippage_bps, tick), True
    if price is None:  # SL: after the trigger it is a limit at `price`
        raise ValueError("SL order without a limit price")
    marketable = ref >= price if side == Side.SELL else ref <= price
    return (ref if marketable else None), True


def capacity(tape: Tape, volume_share: Decimal) -> int | None:
    """Shares this step can absorb for one order (a share of its volume), None = unlimited."""
    if tape.volume is None or tape.volume <= 0:
        return None
    return max(1, int(to_decimal(tape.volume) * volume_share))
