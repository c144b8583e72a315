"""Own the technical features (momentum, ATR, RSI, gaps, realised vol, ADV) for a whole universe.

Bars arrive in long format (symbol, exchange, ts, open, high, low, close, volume, ...). They are
cleaned (see `clean_bars`), split into *segments* (one per symbol, restarted at a split-sized jump
or a long data hole) and every feature is computed on the concatenated arrays with segment-aware
lags and window sums; only TA-Lib's RSI and ATR are called once per segment (a C call each).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import pandas as pd
import talib

from core.enums import LiquidityRegime
from core.errors import ValidationError
from tools.features.config import FeatureConfig

BAR_COLUMNS = ("symbol", "exchange", "ts", "open", "high", "low", "close", "volume")
PRICE_COLUMNS = ("open", "high", "low", "close")
TECH_COLUMNS = (
    "momentum_5d",
    "momentum_10d",
    "momentum_20d",
    "atr_14d",
    "atr_percent",
    "rsi_14",
    "gap_percent",
    "gap_filled",
    "realized_vol_20d",
    "adv_20d_inr",
    "liquidity_regime",
)
NS_PER_DAY = 86_400 * 10**9
IST_OFFSET_NS = (5 * 3600 + 30 * 60) * 10**9


@dataclass
class DataQuality:
    """What cleaning dropped and where history was restarted, by reason."""

    dropped: Counter[str] = field(default_factory=Counter)
    segment_breaks: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"dropped": dict(self.dropped), "segment_breaks": dict(self.segment_breaks)}


@dataclass(frozen=True)
class Segments:
    """Row layout of a cleaned, sorted frame: where each segment starts and each row's offset."""

    starts: np.ndarray  # row index of every segment start
    ends: np.ndarray  # one past the last row of every segment
    pos: np.ndarray  # offset of each row inside its segment (0 at a segment start)


def clean_bars(bars: pd.DataFrame, quality: DataQuality | None = None) -> pd.DataFrame:
    """Validate, de-duplicate, sort and drop unusable bars; return a frame with a RangeIndex.

    Dropped (counted in `quality.dropped`): rows with a missing or non-positive price, high below
    low or negative volume ("invalid_price"); repeated (symbol, exchange, ts) rows, the last one
    wins ("duplicate"); zero-volume rows of a symbol that has traded before ("zero_volume": a
    session without trades is not a price). A symbol that never traded (an index) keeps its rows.
    Rows keep their input order when each symbol is one block in time order, else they are
    sorted by (symbol, exchange, ts). The int64 column `_key` numbers the (symbol, exchange) pairs.
    """
    quality = quality if quality is not None else DataQuality()
    missing = [c for c in BAR_COLUMNS if c not in bars.columns]
    if missing:
        raise ValidationError(f"bars frame lacks columns {missing}", field=missing[0])
    cols: dict[str, object] = {
        c: bars[c] for c in bars.columns if c in (*BAR_COLUMNS, "oi", "source")
    }
    cols["ts"] = _utc_times(bars["ts"])
    for col in (*PRICE_COLUMNS, "volume"):
        cols[col] = np.asarray(pd.to_numeric(bars[col], errors="coerce"), dtype=np.float64)
    df = pd.DataFrame(cols, copy=False).reset_index(drop=True)
    bad = np.zeros(len(df), dtype=bool)
    for col in PRICE_COLUMNS:
        v = df[col].to_numpy()
        bad |= ~(v > 0) | ~np.isfinite(v)
    bad |= (df["high"].to_numpy() < df["low"].to_numpy()) | ~(df["volume"].to_numpy() >= 0)
    df = _keep(df, ~bad, "invalid_price", quality)
    df = _sorted(df)
    key, ts = df["_key"].to_numpy(), ts_ns(df["ts"])
    dup = np.zeros(len(df), dtype=bool)
    dup[:-1] = (key[:-1] == key[1:]) & (ts[:-1] == ts[1:])
    df = _keep(df, ~dup, "duplicate", quality)
    return _keep(df, ~_untraded_rows(df), "zero_volume", quality)


def _keep(df: pd.DataFrame, keep: np.ndarray, reason: str, quality: DataQuality) -> pd.DataFrame:
    n = len(keep) - int(keep.sum())
    if not n:
        return df
    quality.dropped[reason] += n
    return df[keep].reset_index(drop=True)


def _utc_times(ts: pd.Series) -> pd.Series:
    out = pd.to_datetime(ts)
    if not isinstance(out.dtype, pd.DatetimeTZDtype):
        raise ValidationError("bar timestamps must be timezone-aware", field="ts")
    return cast("pd.Series", out.dt.tz_convert("UTC").astype("datetime64[ns, UTC]"))


def ts_ns(ts: pd.Series) -> np.ndarray:
    """Aware timestamps as int64 nanoseconds since the epoch (UTC)."""
    if ts.dtype != "datetime64[ns, UTC]":
        ts = ts.astype("datetime64[ns, UTC]")
    return np.asarray(ts.array.asi8)


def _codes(values: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes that sort like the values (categorical codes when available)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = values.cat.categories
        if cats.is_monotonic_increasing:
            return values.cat.codes.to_numpy().astype(np.int64), len(cats)
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), len(uniques)


def _exchange_codes(values: pd.Series) -> tuple[np.ndarray, int]:
    """Codes for the exchange column; the usual single-exchange frame costs one comparison pass."""
    arr = values.to_numpy(dtype=object)
    if len(arr) and bool((arr == arr[0]).all()):
        return np.zeros(len(arr), dtype=np.int64), 1
    return _codes(values)


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    """Add `_key`; sort by (symbol, exchange, ts) unless blocks are already in time order."""
    sym, _ = _codes(df["symbol"])
    exch, n_exch = _exchange_codes(df["exchange"])
    key = sym * max(n_exch, 1) + exch
    df = df.assign(_key=key)
    if len(df) < 2:
        return df
    ts = ts_ns(df["ts"])
    same = key[1:] == key[:-1]
    in_time = bool(np.all(ts[1:][same] >= ts[:-1][same]))
    blocks = int((~same).sum()) + 1
    if in_time and blocks == len(np.unique(key)):
        return df
    order = np.lexsort((ts, key))
    return df.take(order).reset_index(drop=True)


def group_starts(df: pd.DataFrame) -> np.ndarray:
    """Boolean mask of rows that begin a new (symbol, exchange) block in a cleaned frame."""
    key = df["_key"].to_numpy()
    start = np.ones(len(df), dtype=bool)
    start[1:] = key[1:] != key[:-1]
    return start


def _untraded_rows(df: pd.DataFrame) -> np.ndarray:
    """Zero-volume rows after the symbol's first traded row (causal, so live updates agree)."""
    traded = (df["volume"].to_numpy() > 0).astype(np.int64)
    start = group_starts(df)
    cum = np.cumsum(traded)
    seg_id = np.cumsum(start) - 1
    before_block = (cum - traded)[start][seg_id] if len(df) else cum
    traded_before = cum - traded - before_block
    return np.asarray((traded == 0) & (traded_before > 0), dtype=bool)


def find_segments(df: pd.DataFrame, config: FeatureConfig, quality: DataQuality) -> Segments:
    """Split a cleaned frame into segments: new symbol, split-sized jump, or long data hole."""
    n = len(df)
    start = group_starts(df)
    close = df["close"].to_numpy()
    ts = ts_ns(df["ts"])
    if n > 1:
        jump = np.zeros(n, dtype=bool)
        jump[1:] = np.abs(np.log(close[1:] / close[:-1])) > config.split_max_abs_log_return
        hole = np.zeros(n, dtype=bool)
        hole[1:] = (ts[1:] - ts[:-1]) > config.max_gap_days * NS_PER_DAY
        jump &= ~start
        hole &= ~start & ~jump
        for reason, mask in (("split_sized_jump", jump), ("data_hole", hole)):
            if mask.any():
                quality.segment_breaks[reason] += int(mask.sum())
        start = start | jump | hole
    starts = np.flatnonzero(start)
    ends = np.append(starts[1:], n).astype(np.int64)
    seg_id = np.cumsum(start) - 1
    pos = np.arange(n, dtype=np.int64) - starts[seg_id] if n else np.zeros(0, dtype=np.int64)
    return Segments(starts=starts, ends=ends, pos=pos)


def lag(x: np.ndarray, k: int, pos: np.ndarray) -> np.ndarray:
    """x shifted k rows down inside each segment; NaN where the segment is too short."""
    out = np.full(x.shape, np.nan)
    if k < len(x):
        out[k:] = x[:-k]
    out[pos < k] = np.nan
    return out


def window_sum(x: np.ndarray, w: int, valid: np.ndarray) -> np.ndarray:
    """Sum of the last w values (NaN counted as 0) where `valid`; NaN elsewhere."""
    csum = np.empty(len(x) + 1)
    csum[0] = 0.0
    np.cumsum(np.nan_to_num(x), out=csum[1:])
    out = np.empty(len(x))
    out[: w - 1] = np.nan
    np.subtract(csum[w:], csum[:-w], out=out[w - 1 :])
    out[~valid] = np.nan
    return out


def technical_features(df: pd.DataFrame, seg: Segments, config: FeatureConfig) -> dict[str, object]:
    """Every technical column for a cleaned frame, as arrays aligned with its rows."""
    o, h, lo, c = (df[k].to_numpy() for k in PRICE_COLUMNS)
    pos = seg.pos
    out: dict[str, object] = {}
    for name, w in zip(
        ("momentum_5d", "momentum_10d", "momentum_20d"), config.momentum_windows, strict=True
    ):
        out[name] = (c / lag(c, w, pos) - 1.0) * 100.0
    prev_close = lag(c, 1, pos)
    out["gap_percent"] = (o / prev_close - 1.0) * 100.0
    filled = (lo <= prev_close) & (h >= prev_close)
    out["gap_filled"] = pd.arrays.BooleanArray(filled, np.isnan(prev_close))
    rsi, atr = _talib_per_segment(h, lo, c, seg, config)
    out["rsi_14"] = rsi
    out["atr_14d"] = atr
    out["atr_percent"] = atr / c * 100.0
    out["realized_vol_20d"] = realized_vol(c, prev_close, pos, config)
    adv = window_sum(c * df["volume"].to_numpy(), config.adv_window, pos >= config.adv_window - 1)
    out["adv_20d_inr"] = adv / config.adv_window
    out["liquidity_regime"] = liquidity_regime(out["adv_20d_inr"], config)  # type: ignore[arg-type]
    return out


def realized_vol(
    c: np.ndarray, prev_close: np.ndarray, pos: np.ndarray, config: FeatureConfig
) -> np.ndarray:
    """Annualised percent std (ddof 1) of the last `vol_window` daily log returns."""
    w = config.vol_window
    r = np.log(c / prev_close)
    valid = pos >= w
    s1 = window_sum(r, w, valid)
    s2 = window_sum(r * r, w, valid)
    var = np.maximum((s2 - s1 * s1 / w) / (w - 1), 0.0)
    return np.asarray(np.sqrt(var * config.trading_days_per_year) * 100.0, dtype=float)


def _talib_per_segment(
    h: np.ndarray, lo: np.ndarray, c: np.ndarray, seg: Segments, config: FeatureConfig
) -> tuple[np.ndarray, np.ndarray]:
    rsi = np.full(c.shape, np.nan)
    atr = np.full(c.shape, np.nan)
    min_len = max(config.rsi_period, config.atr_period) + 1
    long_enough = (seg.ends - seg.starts) >= min_len
    for a, b in zip(seg.starts[long_enough].tolist(), seg.ends[long_enough].tolist(), strict=True):
        rsi[a:b] = talib.RSI(c[a:b], timeperiod=config.rsi_period)
        atr[a:b] = talib.ATR(h[a:b], lo[a:b], c[a:b], timeperiod=config.atr_period)
    return rsi, atr


LIQUIDITY_LABELS = [
    LiquidityRegime.HIGH.value,
    LiquidityRegime.MEDIUM.value,
    LiquidityRegime.LOW.value,
]


def liquidity_regime(adv_inr: np.ndarray, config: FeatureConfig) -> pd.Categorical[str]:
    """HIGH / MEDIUM / LOW from ADV in rupees against the configured cut-offs; empty without ADV."""
    codes = np.full(len(adv_inr), -1, dtype=np.int8)
    codes[adv_inr >= 0] = 2
    codes[adv_inr >= config.liquidity_medium_inr] = 1
    codes[adv_inr >= config.liquidity_high_inr] = 0
    return pd.Categorical.from_codes(codes, categories=pd.Index(LIQUIDITY_LABELS))


def liquidity_label(adv_inr: float, config: FeatureConfig) -> str | None:
    """The same rule for one value (the incremental path)."""
    if not adv_inr >= 0:
        return None
    if adv_inr >= config.liquidity_high_inr:
        return LiquidityRegime.HIGH.value
    return (
        LiquidityRegime.MEDIUM.value
        if adv_inr >= config.liquidity_medium_inr
        else LiquidityRegime.LOW.value
    )


def session_dates(ts: pd.Series) -> np.ndarray:
    """IST session date of each UTC timestamp, as int64 days since the epoch (no tz maths)."""
    return (ts_ns(ts) + IST_OFFSET_NS) // NS_PER_DAY


def available_at(ts: pd.Series, config: FeatureConfig, interval: str = "1d") -> pd.Series:
    """When each bar's features become knowable: daily at the session close, else ts + interval."""
    if interval == "1d":
        hh, mm = config.session_close_ist
        days = session_dates(ts)
        ns = days * NS_PER_DAY + (hh * 3600 + mm * 60) * 10**9 - IST_OFFSET_NS
        return pd.Series(pd.to_datetime(ns, unit="ns", utc=True), index=ts.index)
    return ts + pd.Timedelta(interval.replace("m", "min"))
