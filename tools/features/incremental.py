"""Own bar-by-bar feature updates: O(1) per bar per symbol, equal to a full recompute.

State per symbol: the last closes/returns/traded values of the current segment and Wilder's RSI
and ATR averages (seeded exactly as TA-Lib seeds them). Market state: the per-session
volatility measures behind the regime label. Bars must arrive in time order across the universe
(as live and replay feeds deliver them): a session's regime is finalised when the first bar of
the next session arrives.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.domain import Bar
from core.errors import ValidationError
from tools.features.build import FLOW_COLUMNS, OUTPUT_COLUMNS
from tools.features.config import FeatureConfig
from tools.features.derivatives import DERIV_COLUMNS, derivative_features
from tools.features.flows import flow_features
from tools.features.regimes import regime_labels, trailing_percentile, vix_by_day
from tools.features.technical import IST_OFFSET_NS, NS_PER_DAY, liquidity_label
from tools.features.wilder import SymbolState, seed_state


@dataclass
class _Lookup:
    """Dated records for the 'latest strictly before this session' rule."""

    days: list[int] = field(default_factory=list)
    rows: list[dict[str, float]] = field(default_factory=list)

    def before(self, day: int, max_age_days: int) -> dict[str, float] | None:
        i = bisect.bisect_left(self.days, day) - 1
        if i < 0 or day - self.days[i] > max_age_days:
            return None
        return self.rows[i]


class IncrementalFeatures:
    """Keep per-symbol and market state; `update(bar)` returns that bar's feature row."""

    def __init__(
        self,
        config: FeatureConfig | None = None,
        flows: pd.DataFrame | None = None,
        derivatives: pd.DataFrame | None = None,
        vix: pd.Series | None = None,
    ) -> None:
        self.config = config or FeatureConfig()
        self._symbols: dict[tuple[str, str], SymbolState] = {}
        self._measures: deque[tuple[float, float]] = deque(maxlen=self.config.regime_lookback)
        self._day: int | None = None
        self._day_rvs: list[float] = []
        self._regime: str | None = None
        self._vix = vix_by_day(vix).to_dict() if vix is not None and len(vix) else {}
        self._deriv = self._derivative_lookups(derivatives)
        self._flows = self._flow_lookup(flows)

    @classmethod
    def from_history(
        cls,
        bars: pd.DataFrame,
        config: FeatureConfig | None = None,
        flows: pd.DataFrame | None = None,
        derivatives: pd.DataFrame | None = None,
        vix: pd.Series | None = None,
    ) -> IncrementalFeatures:
        """Warm the state from history bars (one vectorised pass), ready for the next bars."""
        inc = cls(config, flows, derivatives, vix)
        seed_state(inc, bars)
        return inc

    def vix_series(self) -> pd.Series | None:
        """India VIX closes known so far, keyed by int session day (None when there are none)."""
        return pd.Series(self._vix, dtype=float) if self._vix else None

    def seed_symbol(self, key: tuple[str, str], state: SymbolState) -> None:
        """Install a warmed symbol state (see wilder.seed_state)."""
        self._symbols[key] = state

    def seed_market(
        self,
        finalised: list[tuple[float, float]],
        day: int,
        day_rvs: list[float],
        regime: str | None,
    ) -> None:
        """Install the market state: finalised session measures and the open session's values."""
        self._measures.extend(finalised)
        self._day, self._day_rvs, self._regime = day, day_rvs, regime

    def set_vix(self, day: pd.Timestamp | Any, value: float) -> None:
        """Record India VIX's close for a session date (used when that session is finalised)."""
        self._vix[int(vix_by_day(pd.Series([value], index=[day])).index[0])] = float(value)

    def update(self, bar: Bar, source: str | None = None) -> dict[str, Any] | None:
        """Features of `bar`, or None when the bar is dropped as bad data (see clean_bars)."""
        if not _valid_prices(bar):
            return None
        key = (bar.symbol, bar.exchange)
        state = self._symbols.setdefault(key, SymbolState())
        ts_ns = pd.Timestamp(bar.ts).as_unit("ns").value
        if state.last_ts_ns is not None and ts_ns <= state.last_ts_ns:
            raise ValidationError(
                f"{bar.symbol}: bar at {bar.ts} is not after the last one", field="ts"
            )
        if bar.volume == 0 and state.ever_traded:
            return None
        day = (ts_ns + IST_OFFSET_NS) // NS_PER_DAY
        self._roll_session(day)
        row = self._advance(state, bar, ts_ns)
        self._day_rvs.append(row["realized_vol_20d"])
        row["regime_label"] = self._regime
        self._attach(row, bar.symbol, day)
        row["data_source"] = _provenance(source or str(bar.source), row)
        return {k: row.get(k) for k in OUTPUT_COLUMNS}

    def _advance(self, state: SymbolState, bar: Bar, ts_ns: int) -> dict[str, Any]:
        cfg = self.config
        if state.last_ts_ns is not None and _breaks(state, bar, ts_ns, cfg):
            state.reset()
        state.push(bar, ts_ns, cfg)
        day = (ts_ns + IST_OFFSET_NS) // NS_PER_DAY
        hh, mm = cfg.session_close_ist
        avail = day * NS_PER_DAY + (hh * 3600 + mm * 60) * 10**9 - IST_OFFSET_NS
        row: dict[str, Any] = {
            "symbol": bar.symbol,
            "exchange": bar.exchange,
            "ts": pd.Timestamp(ts_ns, unit="ns", tz="UTC"),
            "timestamp": pd.Timestamp(avail, unit="ns", tz="UTC"),
            "close": bar.close,
        }
        row.update(state.features(bar, cfg))
        row["liquidity_regime"] = liquidity_label(row["adv_20d_inr"], cfg)
        return row

    def _roll_session(self, day: int) -> None:
        if self._day is None:
            self._day = day
            return
        if day < self._day:
            raise ValidationError("bars must arrive in session order across symbols", field="ts")
        if day == self._day:
            return
        self._finalise_session()
        self._day = day

    def _finalise_session(self) -> None:
        rvs = np.array([v for v in self._day_rvs if v is not None], dtype=float)
        rv = float(np.nanmedian(rvs)) if np.isfinite(rvs).any() else math.nan
        self._measures.append((rv, float(self._vix.get(self._day, math.nan))))
        self._day_rvs = []
        arr = np.array(self._measures, dtype=float)
        cfg = self.config
        rv_pct = trailing_percentile(arr[:, 0], cfg.regime_lookback, cfg.regime_min_periods)[-1]
        vix_pct = trailing_percentile(arr[:, 1], cfg.regime_lookback, cfg.regime_min_periods)[-1]
        pct = vix_pct if np.isfinite(vix_pct) else rv_pct
        self._regime = regime_labels(np.array([pct]), cfg)[0]

    def _attach(self, row: dict[str, Any], symbol: str, day: int) -> None:
        lookup = self._deriv.get(symbol)
        rec = lookup.before(day, self.config.derivatives_max_age_days) if lookup else None
        for col in DERIV_COLUMNS:
            row[col] = rec[col] if rec else math.nan
        rec = self._flows.before(day, self.config.flows_max_age_days)
        for col in FLOW_COLUMNS:
            row[col] = rec[col] if rec else math.nan

    def _derivative_lookups(self, raw: pd.DataFrame | None) -> dict[str, _Lookup]:
        out: dict[str, _Lookup] = {}
        if raw is None or not len(raw):
            return out
        feats = derivative_features(raw, self.config)
        for rec in feats.to_dict("records"):
            lk = out.setdefault(rec["symbol"], _Lookup())
            lk.days.append(_day_of(rec["date"]))
            lk.rows.append({c: float(rec[c]) for c in DERIV_COLUMNS})
        return out

    def _flow_lookup(self, flows: pd.DataFrame | None) -> _Lookup:
        lk = _Lookup()
        if flows is None or not len(flows):
            return lk
        for rec in flow_features(flows, self.config).to_dict("records"):
            lk.days.append(_day_of(rec["date"]))
            lk.rows.append({c: float(rec[c]) for c in FLOW_COLUMNS})
        return lk


def _day_of(value: Any) -> int:
    return int(pd.Timestamp(value).to_datetime64().astype("datetime64[D]").astype(np.int64))


def _valid_prices(bar: Bar) -> bool:
    prices = (bar.open, bar.high, bar.low, bar.close)
    ok = all(math.isfinite(p) and p > 0 for p in prices)
    return ok and bar.high >= bar.low and bar.volume >= 0


def _breaks(state: SymbolState, bar: Bar, ts_ns: int, cfg: FeatureConfig) -> bool:
    jump = abs(math.log(bar.close / state.last_close)) > cfg.split_max_abs_log_return
    hole = ts_ns - (state.last_ts_ns or ts_ns) > cfg.max_gap_days * NS_PER_DAY
    return jump or hole


def _provenance(base: str, row: dict[str, Any]) -> str:
    fo = any(not _isnan(row[c]) for c in DERIV_COLUMNS)
    fl = any(not _isnan(row[c]) for c in FLOW_COLUMNS)
    return base + ("+FO" if fo else "") + ("+FLOWS" if fl else "")


def _isnan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))
