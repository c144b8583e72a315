"""Own every feature window and threshold (regime percentiles, liquidity cut-offs, bad data)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.errors import ValidationError


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """Windows, thresholds and data-quality rules of the feature builder; defaults are the desk's.

    Units: momentum and gap in percent, realised vol in annualised percent, ADV in rupees.
    """

    momentum_windows: tuple[int, int, int] = (5, 10, 20)
    rsi_period: int = 14
    atr_period: int = 14
    vol_window: int = 20
    adv_window: int = 20
    trading_days_per_year: int = 252
    # Volatility regime: percentile of the market volatility measure within its trailing window.
    regime_lookback: int = 252
    regime_min_periods: int = 60
    regime_low_pct: float = 1 / 3
    regime_high_pct: float = 2 / 3
    # Liquidity regime cut-offs on 20-session average daily traded value, in rupees.
    liquidity_high_inr: float = 100e7  # 100 crore
    liquidity_medium_inr: float = 10e7  # 10 crore
    # Bad data: a close-to-close move beyond this |log return| is treated as a corporate-action
    # (split/bonus) break and the symbol's history restarts there instead of leaking a fake move.
    split_max_abs_log_return: float = math.log(1.5)
    # More calendar days than this between two bars (suspension, data hole) also restarts history.
    max_gap_days: int = 15
    # Derivatives: trailing window (observations) for IV rank.
    iv_rank_lookback: int = 252
    iv_rank_min_periods: int = 2
    flows_window: int = 5
    # Derivatives and flows of session D are published after its close, so a row of session D
    # uses the latest record dated before D, if it is at most this many calendar days old.
    derivatives_max_age_days: int = 5
    flows_max_age_days: int = 5
    # Daily bars: the session close (IST) is when a bar's features become knowable.
    session_close_ist: tuple[int, int] = (15, 30)

    def __post_init__(self) -> None:
        for name in (
            "rsi_period",
            "atr_period",
            "vol_window",
            "adv_window",
            "regime_lookback",
            "flows_window",
            "iv_rank_lookback",
        ):
            if getattr(self, name) < 2:
                raise ValidationError(f"{name} must be at least 2", field=name)
        if any(w < 1 for w in self.momentum_windows):
            raise ValidationError("momentum windows must be positive", field="momentum_windows")
        if not 0 < self.regime_low_pct < self.regime_high_pct < 1:
            raise ValidationError(
                "need 0 < regime_low_pct < regime_high_pct < 1", field="regime_low_pct"
            )
        if not 0 < self.liquidity_medium_inr < self.liquidity_high_inr:
            raise ValidationError(
                "need 0 < liquidity_medium_inr < liquidity_high_inr", field="liquidity_medium_inr"
            )
        if self.split_max_abs_log_return <= 0:
            raise ValidationError("must be positive", field="split_max_abs_log_return")
        if self.regime_min_periods > self.regime_lookback:
            raise ValidationError("must not exceed regime_lookback", field="regime_min_periods")

    @property
    def history_needed(self) -> int:
        """Bars of one segment after which every technical feature is defined."""
        return max(
            *self.momentum_windows,
            self.rsi_period,
            self.atr_period,
            self.vol_window,
            self.adv_window - 1,
        )
