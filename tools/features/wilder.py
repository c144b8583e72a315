"""Own one symbol's rolling feature state (Wilder RSI/ATR seeded as TA-Lib does) and warm start."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from core.domain import Bar
from tools.features.config import FeatureConfig
from tools.features.regimes import market_measures, session_regimes
from tools.features.technical import (
    DataQuality,
    clean_bars,
    find_segments,
    group_starts,
    session_dates,
    technical_features,
    ts_ns,
)

if TYPE_CHECKING:
    from tools.features.incremental import IncrementalFeatures

TA_ZERO = 1e-8  # TA-Lib's TA_IS_ZERO band: RSI is 0 when average gain + loss falls inside it


@dataclass
class SymbolState:
    """Rolling state of the current segment of one symbol."""

    last_ts_ns: int | None = None
    last_close: float = math.nan
    ever_traded: bool = False
    n: int = 0
    prev_close: float | None = None
    closes: deque[float] = field(default_factory=deque)
    returns: deque[float] = field(default_factory=deque)
    traded: deque[float] = field(default_factory=deque)
    gain_sum: float = 0.0
    loss_sum: float = 0.0
    avg_gain: float | None = None
    avg_loss: float | None = None
    tr_sum: float = 0.0
    atr: float | None = None

    def reset(self) -> None:
        """Start a new segment (split-sized jump or data hole); keep identity and time."""
        keep = (self.last_ts_ns, self.last_close, self.ever_traded)
        self.__init__()  # type: ignore[misc]
        self.last_ts_ns, self.last_close, self.ever_traded = keep

    def _size(self, cfg: FeatureConfig) -> None:
        if self.closes.maxlen is None:
            self.closes = deque(self.closes, maxlen=max(cfg.momentum_windows) + 1)
            self.returns = deque(self.returns, maxlen=cfg.vol_window)
            self.traded = deque(self.traded, maxlen=cfg.adv_window)

    def push(self, bar: Bar, ts_ns: int, cfg: FeatureConfig) -> None:
        """Fold one accepted bar into the state."""
        self._size(cfg)
        prev = self.closes[-1] if self.closes else None
        self.prev_close = prev
        self.n += 1
        self.closes.append(bar.close)
        self.traded.append(bar.close * bar.volume)
        if prev is not None:
            self.returns.append(math.log(bar.close / prev))
            tr = max(bar.high - bar.low, abs(bar.high - prev), abs(bar.low - prev))
            self._wilder(bar.close - prev, tr, cfg)
        self.ever_traded = self.ever_traded or bar.volume > 0
        self.last_ts_ns, self.last_close = ts_ns, bar.close

    def _wilder(self, change: float, tr: float, cfg: FeatureConfig) -> None:
        pos = self.n - 1
        gain, loss = max(change, 0.0), max(-change, 0.0)
        p = cfg.rsi_period
        if pos <= p:
            self.gain_sum += gain
            self.loss_sum += loss
            if pos == p:
                self.avg_gain, self.avg_loss = self.gain_sum / p, self.loss_sum / p
        elif self.avg_gain is not None and self.avg_loss is not None:
            self.avg_gain = (self.avg_gain * (p - 1) + gain) / p
            self.avg_loss = (self.avg_loss * (p - 1) + loss) / p
        q = cfg.atr_period
        if pos <= q:
            self.tr_sum += tr
            if pos == q:
                self.atr = self.tr_sum / q
        elif self.atr is not None:
            self.atr = (self.atr * (q - 1) + tr) / q

    def features(self, bar: Bar, cfg: FeatureConfig) -> dict[str, Any]:
        """Technical features of the bar just pushed."""
        pos = self.n - 1
        c = bar.close
        out: dict[str, Any] = {}
        for name, k in zip(
            ("momentum_5d", "momentum_10d", "momentum_20d"), cfg.momentum_windows, strict=True
        ):
            out[name] = (c / self.closes[-1 - k] - 1.0) * 100.0 if pos >= k else math.nan
        prev = self.prev_close
        out["gap_percent"] = (bar.open / prev - 1.0) * 100.0 if prev else math.nan
        out["gap_filled"] = bool(bar.low <= prev <= bar.high) if prev else None
        out["rsi_14"] = _rsi(self.avg_gain, self.avg_loss)
        out["atr_14d"] = self.atr if self.atr is not None else math.nan
        out["atr_percent"] = out["atr_14d"] / c * 100.0
        w = cfg.vol_window
        out["realized_vol_20d"] = (
            float(np.std(np.array(self.returns), ddof=1))
            * math.sqrt(cfg.trading_days_per_year)
            * 100.0
            if pos >= w
            else math.nan
        )
        out["adv_20d_inr"] = (
            math.fsum(self.traded) / cfg.adv_window if pos >= cfg.adv_window - 1 else math.nan
        )
        return out


def _rsi(avg_gain: float | None, avg_loss: float | None) -> float:
    if avg_gain is None or avg_loss is None:
        return math.nan
    total = avg_gain + avg_loss
    return 0.0 if -TA_ZERO < total < TA_ZERO else 100.0 * avg_gain / total


def wilder_average(x: np.ndarray, period: int) -> float:
    """TA-Lib's Wilder average after all of x: SMA of the first `period`, then recursive."""
    seed = float(np.mean(x[:period]))
    rest = x[period:]
    if not len(rest):
        return seed
    keep = (period - 1) / period
    weights = keep ** np.arange(len(rest) - 1, -1, -1, dtype=float)
    return seed * keep ** len(rest) + float(np.dot(weights, rest)) / period


def seed_state(inc: IncrementalFeatures, bars: pd.DataFrame) -> None:
    """Fill an IncrementalFeatures from history bars with one vectorised pass."""
    cfg = inc.config
    df = clean_bars(bars, DataQuality())
    if not len(df):
        return
    seg = find_segments(df, cfg, DataQuality())
    tech = technical_features(df, seg, cfg)
    _seed_symbols(inc, df, seg.starts, seg.ends)
    days = session_dates(df["ts"])
    rv = np.asarray(tech["realized_vol_20d"], dtype=float)
    measures = market_measures(days, rv, inc.vix_series())
    last_day = int(measures.index[-1])
    inc.seed_market(
        finalised=list(measures.iloc[:-1][["rv", "vix"]].itertuples(index=False, name=None)),
        day=last_day,
        day_rvs=rv[days == last_day].tolist(),
        regime=session_regimes(measures, cfg).iloc[-1],
    )


def _seed_symbols(
    inc: IncrementalFeatures, df: pd.DataFrame, starts: np.ndarray, ends: np.ndarray
) -> None:
    h, lo, c, v = (df[k].to_numpy() for k in ("high", "low", "close", "volume"))
    tsn = ts_ns(df["ts"])
    blocks = np.flatnonzero(group_starts(df))
    block_ends = np.append(blocks[1:], len(df))
    for b0, b1 in zip(blocks.tolist(), block_ends.tolist(), strict=True):
        a = int(starts[np.searchsorted(starts, b1, side="left") - 1])
        st = SymbolState(
            last_ts_ns=int(tsn[b1 - 1]),
            last_close=float(c[b1 - 1]),
            ever_traded=bool((v[b0:b1] > 0).any()),
            n=b1 - a,
        )
        st._size(inc.config)
        st.closes.extend(c[a:b1].tolist())
        st.traded.extend((c[a:b1] * v[a:b1]).tolist())
        if b1 - a > 1:
            st.returns.extend(np.log(c[a + 1 : b1] / c[a : b1 - 1]).tolist())
            _seed_wilder(st, h[a:b1], lo[a:b1], c[a:b1], inc.config)
        key = (str(df["symbol"].iat[b0]), str(df["exchange"].iat[b0]))
        inc.seed_symbol(key, st)


def _seed_wilder(
    st: SymbolState, h: np.ndarray, lo: np.ndarray, c: np.ndarray, cfg: FeatureConfig
) -> None:
    change = np.diff(c)
    prev = c[:-1]
    tr = np.maximum(h[1:] - lo[1:], np.maximum(np.abs(h[1:] - prev), np.abs(lo[1:] - prev)))
    gains, losses = np.maximum(change, 0.0), np.maximum(-change, 0.0)
    p, q = cfg.rsi_period, cfg.atr_period
    if len(change) >= p:
        st.avg_gain, st.avg_loss = wilder_average(gains, p), wilder_average(losses, p)
    st.gain_sum, st.loss_sum = float(gains[:p].sum()), float(losses[:p].sum())
    if len(tr) >= q:
        st.atr = wilder_average(tr, q)
    st.tr_sum = float(tr[:q].sum())
