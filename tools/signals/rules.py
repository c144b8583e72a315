"""Own the rule-based primary strategies of the seed: momentum, mean reversion and event-driven.

Each rule reads one feature row per (symbol, session) as of that session's close and says whether
to open a trade at the next open, in which direction, and why (thesis bullets naming the
features that drove it). Rules are vectorised over a feature frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.enums import Direction, Stance, Strategy

RULES_VERSION = "rules-1.0"
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class RuleParams:
    """Thresholds of the rule strategies (momentum and gaps in percent, RSI in points)."""

    mom_min_20d_pct: float = 6.0
    mom_min_5d_pct: float = 0.0
    mom_rsi_min: float = 55.0
    mom_rsi_max: float = 75.0
    mr_rsi_max: float = 30.0
    mr_min_drop_10d_pct: float = -6.0
    mr_short_rsi_min: float = 78.0
    event_min_confidence: float = 0.5
    event_max_adverse_gap_pct: float = 4.0


def _col(f: pd.DataFrame, name: str) -> npt.NDArray[np.float64]:
    return pd.to_numeric(f[name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def momentum(f: pd.DataFrame, p: RuleParams = RuleParams()) -> BoolArray:
    """LONG when the 20-day move is strong, the last week still rising and RSI not exhausted."""
    m20, m5, rsi = _col(f, "momentum_20d"), _col(f, "momentum_5d"), _col(f, "rsi_14")
    with np.errstate(invalid="ignore"):
        return np.asarray(
            (m20 >= p.mom_min_20d_pct)
            & (m5 > p.mom_min_5d_pct)
            & (rsi >= p.mom_rsi_min)
            & (rsi <= p.mom_rsi_max),
            dtype=bool,
        )


def mean_reversion(f: pd.DataFrame, p: RuleParams = RuleParams()) -> tuple[BoolArray, BoolArray]:
    """(long, short): LONG an oversold sell-off (RSI low after a 10-day drop); SHORT an
    overbought spike (RSI very high). Shorts are for intraday/F&O accounts only."""
    m10, rsi = _col(f, "momentum_10d"), _col(f, "rsi_14")
    with np.errstate(invalid="ignore"):
        long_ = (rsi <= p.mr_rsi_max) & (m10 <= p.mr_min_drop_10d_pct)
        short = rsi >= p.mr_short_rsi_min
    return np.asarray(long_, dtype=bool), np.asarray(short, dtype=bool)


def event_direction(
    stance: str | None, confidence: float | None, p: RuleParams = RuleParams()
) -> Direction | None:
    """Direction an event tag supports, or None (neutral, unknown or low-confidence tags)."""
    if confidence is None or confidence < p.event_min_confidence:
        return None
    if stance == Stance.BULLISH:
        return Direction.LONG
    if stance == Stance.BEARISH:
        return Direction.SHORT
    return None


def event_driven_ok(
    direction: Direction, gap_pct: float | None, p: RuleParams = RuleParams()
) -> bool:
    """Refuse to chase: the move since the event (today's gap) must not already be too large."""
    if gap_pct is None or not np.isfinite(gap_pct):
        return True
    chased = gap_pct if direction == Direction.LONG else -gap_pct
    return bool(chased <= p.event_max_adverse_gap_pct)


def rule_signals(f: pd.DataFrame, p: RuleParams = RuleParams()) -> pd.DataFrame:
    """Every bar-based rule signal in `f`: columns row (positional), strategy, direction (+1/-1)."""
    parts = []
    mom = momentum(f, p)
    mr_long, mr_short = mean_reversion(f, p)
    for strategy, mask, d in (
        (Strategy.MOMENTUM, mom, 1),
        (Strategy.MEAN_REVERSION, mr_long, 1),
        (Strategy.MEAN_REVERSION, mr_short, -1),
    ):
        rows = np.flatnonzero(mask)
        parts.append(pd.DataFrame({"row": rows, "strategy": str(strategy), "direction": d}))
    return pd.concat(parts, ignore_index=True)


def thesis(strategy: str, direction: int, row: Mapping[str, Any]) -> list[str]:
    """Human bullets naming the feature values that made the rule fire."""

    def g(k: str) -> float:
        v = row.get(k)
        return float(v) if v is not None and pd.notna(v) else float("nan")

    side = "long" if direction > 0 else "short"
    if strategy == Strategy.MOMENTUM:
        return [
            f"20-day momentum {g('momentum_20d'):+.1f}% with 5-day {g('momentum_5d'):+.1f}%",
            f"RSI(14) {g('rsi_14'):.0f}: trending, not yet exhausted",
            f"ATR {g('atr_percent'):.1f}% of price; regime {row.get('regime_label')}",
        ]
    if strategy == Strategy.MEAN_REVERSION:
        state = "oversold" if direction > 0 else "overbought"
        return [
            f"RSI(14) {g('rsi_14'):.0f}: {state}, {side} for a snap-back",
            f"10-day move {g('momentum_10d'):+.1f}%",
            f"ATR {g('atr_percent'):.1f}% of price; regime {row.get('regime_label')}",
        ]
    return [f"{strategy} {side}", f"ATR {g('atr_percent'):.1f}% of price"]
