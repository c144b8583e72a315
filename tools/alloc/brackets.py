"""Own bracket levels: entry (LIMIT with the playbook's gap chase, or MARKET), an ATR-bounded stop,
a take-profit at the reward:risk target and the trailing rule; every price on the tick grid."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.enums import Direction, LiquidityRegime, OrderType
from core.money import round_to_tick, to_decimal
from core.pipeline import Candidate
from tools.accounts.views import MandateView

DEFAULT_SL_ATR, DEFAULT_TP_ATR = 1.5, 3.0
MIN_STOP_ATR, MAX_STOP_ATR = 0.5, 3.0  # the stop sits between 0.5 and 3 ATRs from entry
MAX_STOP_FRAC = Decimal("0.20")  # and never more than 20 % away
MIN_RR = 1.0


class BracketError(ValueError):
    """The candidate's numbers cannot give a valid bracket (no ATR, price too small)."""


@dataclass(frozen=True, slots=True)
class Bracket:
    entry: Decimal
    order_type: OrderType
    stop: Decimal
    target: Decimal
    trailing: dict[str, Any] | None
    sl_multiplier: float
    tp_multiplier: float
    reward_risk: float

    @property
    def per_share_risk(self) -> Decimal:
        return abs(self.entry - self.stop)

    @property
    def per_share_reward(self) -> Decimal:
        return abs(self.target - self.entry)


def _pick(override: Any, mandate_value: float | None, default: float) -> float:
    for v in (override, mandate_value):
        if v is not None and float(v) > 0:
            return float(v)
    return default


def entry_level(c: Candidate, chase_pct: float | None,
                tick: Decimal | None) -> tuple[Decimal, OrderType]:
    """LIMIT at most chase % through the reference price; MARKET for liquid names without one."""
    long = c.direction == Direction.LONG
    if chase_pct is None and c.liquidity_regime == LiquidityRegime.HIGH.value:
        return round_to_tick(c.ref_price, tick), OrderType.MARKET
    chase = to_decimal(chase_pct or 0) / 100
    raw = c.ref_price * (1 + chase if long else 1 - chase)
    return round_to_tick(raw, tick, "down" if long else "up"), OrderType.LIMIT


def make_bracket(c: Candidate, mandate: MandateView, playbook: Any = None,
                 tick: Decimal | None = None) -> Bracket:
    """Levels for one candidate under a mandate (and playbook overrides)."""
    if not math.isfinite(c.atr) or c.atr <= 0:
        raise BracketError(f"no usable ATR for {c.symbol} ({c.atr})")
    sl_mult = _pick(getattr(playbook, "sl_multiplier_override", None), mandate.sl_multiplier,
                    DEFAULT_SL_ATR)
    tp_mult = _pick(getattr(playbook, "tp_multiplier_override", None), mandate.tp_multiplier,
                    DEFAULT_TP_ATR)
    entry, order_type = entry_level(c, getattr(playbook, "acceptable_gap_chase_percent", None),
                                    tick)
    atr = to_decimal(round(c.atr, 4))
    mult = to_decimal(min(max(sl_mult, MIN_STOP_ATR), MAX_STOP_ATR))
    dist = min(atr * mult, entry * MAX_STOP_FRAC)
    long = c.direction == Direction.LONG
    stop = round_to_tick(entry - dist if long else entry + dist, tick, "down" if long else "up")
    if stop <= 0 or stop == entry:
        raise BracketError(f"stop for {c.symbol} is not a valid price ({stop})")
    rr = max(MIN_RR, tp_mult / sl_mult)
    reach = abs(entry - stop) * to_decimal(round(rr, 4))
    target = round_to_tick(entry + reach if long else entry - reach, tick)
    trailing = None
    if mandate.trailing_stop_enabled:
        gap = round_to_tick(abs(entry - stop), tick)
        trailing = {"enabled": True, "method": "atr", "atr_multiple": float(mult),
                    "trailing_gap": str(gap), "activate_after_r": 1.0}
    return Bracket(entry, order_type, stop, target, trailing, sl_mult, tp_mult, rr)
