"""Own position sizing: the smallest of a volatility-targeted size, a fractional-Kelly cap, the
mandate's risk per trade, the sector cap, deployable cash and 5 % of ADV, in whole lots.

- Volatility target: portfolio vol by objective (MAX_PROFIT 20 %, BALANCED 15 %, RISK_MINIMIZED
  10 %), split over max_positions as if independent (target / √n); position value = equity ×
  that share / the stock's annualised vol.
- Kelly-lite: f* = p − q / b with p = P(TP), q = P(SL), b = reward:risk; the trade may risk at
  most KELLY_FRACTION × f* of equity; f* ≤ 0 means no trade.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from core.enums import Objective
from core.money import ZERO, to_decimal

TARGET_VOL = {Objective.MAX_PROFIT.value: 0.20, Objective.BALANCED.value: 0.15,
              Objective.RISK_MINIMIZED.value: 0.10}
KELLY_FRACTION = 0.25
MAX_ADV_PARTICIPATION = Decimal("0.05")  # never more than 5 % of a day's traded value
VOL_FLOOR = 0.05


@dataclass(frozen=True, slots=True)
class SizingInput:
    equity_inr: Decimal
    risk_per_trade_pct: float
    entry: Decimal
    per_share_risk: Decimal
    reward_risk: float
    tp_probability: float
    sl_probability: float
    volatility_pct: float
    objective: str | None
    max_positions: int
    sector_room_inr: Decimal
    cash_inr: Decimal
    lot_size: int = 1
    adv_inr: float | None = None


@dataclass(frozen=True, slots=True)
class SizeResult:
    quantity: int
    limits: dict[str, int]  # quantity each rule would allow
    binding: str  # the rule that set the quantity

    def note(self) -> str:
        parts = ", ".join(f"{k}={v}" for k, v in self.limits.items())
        return f"qty {self.quantity} set by {self.binding} ({parts})"


def _floor_div(amount: Decimal, unit: Decimal) -> int:
    if unit <= 0 or amount <= 0:
        return 0
    return int((amount / unit).to_integral_value(rounding=ROUND_FLOOR))


def kelly_fraction(p_tp: float, p_sl: float, reward_risk: float) -> float:
    """Full-Kelly fraction of equity to risk for a win of b per 1 risked (≤ 0: no edge)."""
    total = p_tp + p_sl
    if reward_risk <= 0 or total <= 0 or not math.isfinite(total):
        return 0.0
    if total > 1.0:  # normalise inconsistent probabilities
        p_tp, p_sl = p_tp / total, p_sl / total
    return p_tp - p_sl / reward_risk


def size_limits(x: SizingInput) -> dict[str, int]:
    """The quantity each rule allows, before lot rounding."""
    equity = x.equity_inr
    target = TARGET_VOL.get(x.objective or "", TARGET_VOL[Objective.BALANCED.value])
    share = target / math.sqrt(max(1, x.max_positions))
    vol = max(VOL_FLOOR, x.volatility_pct / 100.0) if math.isfinite(x.volatility_pct) else 1.0
    vol_value = equity * to_decimal(round(share / vol, 6))
    kelly = max(0.0, kelly_fraction(x.tp_probability, x.sl_probability, x.reward_risk))
    kelly_risk = equity * to_decimal(round(KELLY_FRACTION * kelly, 6))
    risk_budget = equity * to_decimal(x.risk_per_trade_pct) / 100
    return {
        "vol_target": _floor_div(vol_value, x.entry),
        "kelly": _floor_div(kelly_risk, x.per_share_risk),
        "risk_cap": _floor_div(risk_budget, x.per_share_risk),
        "sector_cap": _floor_div(max(ZERO, x.sector_room_inr), x.entry),
        "cash": _floor_div(max(ZERO, x.cash_inr), x.entry),
        "liquidity": _adv_limit(x),
    }


def _adv_limit(x: SizingInput) -> int:
    if x.adv_inr is None or not math.isfinite(x.adv_inr):
        return 0
    return _floor_div(to_decimal(round(x.adv_inr, 2)) * MAX_ADV_PARTICIPATION, x.entry)


def size_position(x: SizingInput) -> SizeResult:
    """Smallest allowed quantity, rounded down to whole lots; binding names the tightest rule."""
    limits = size_limits(x)
    binding = min(limits, key=lambda k: (limits[k], k))
    lot = max(1, x.lot_size)
    qty = (limits[binding] // lot) * lot
    return SizeResult(qty, limits, binding)
