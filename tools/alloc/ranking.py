"""Own ranking per objective.

MAX_PROFIT = |edge| × quality; RISK_MINIMIZED = |edge| × quality / vol; BALANCED = |edge| ×
quality / √vol, i.e. an equal-weight blend of the two in log space. vol is the annualised
realised volatility as a fraction, floored at 5 %. A playbook's priority_boost multiplies the
score by (1 + boost).
"""

from __future__ import annotations

import math

from core.enums import Objective
from core.pipeline import Candidate

VOL_FLOOR = 0.05
BALANCED_VOL_WEIGHT = 0.5


def score(c: Candidate, objective: str | None, boost: float = 0.0) -> float:
    base = abs(c.edge_pct) * max(0.0, c.quality_score)
    vol = max(VOL_FLOOR, c.volatility_pct / 100.0) if math.isfinite(c.volatility_pct) else 1.0
    if objective == Objective.RISK_MINIMIZED.value:
        base /= vol
    elif objective != Objective.MAX_PROFIT.value:  # BALANCED and unset
        base /= vol ** BALANCED_VOL_WEIGHT
    return base * (1.0 + max(-0.9, boost))


def rank(scored: list[tuple[float, Candidate]]) -> list[tuple[float, Candidate]]:
    """Best first; ties broken by signal id so runs are deterministic."""
    return sorted(scored, key=lambda t: (-t[0], t[1].signal_id))
