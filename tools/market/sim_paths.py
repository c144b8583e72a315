"""Own the vectorised maths of the simulated market: GARCH factors, regimes, jumps, bar paths."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from tools.market.simulator import StockStatics

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
Block = dict[str, Any]
# Event details are drawn for every cell whose uniform is below this cutoff (whatever the event
# rate, as long as it is lower), so tuning event_rate does not reshuffle other draws.
_EVENT_DRAW_CUTOFF = 0.02


@dataclass(frozen=True, slots=True)
class SimParams:
    """Daily-scale parameters of the simulated market (returns are log returns)."""

    market_vol: float = 0.010
    sector_vol: float = 0.008
    idio_vol_range: tuple[float, float] = (0.010, 0.022)
    beta_range: tuple[float, float] = (0.7, 1.3)
    gamma_range: tuple[float, float] = (0.7, 1.3)
    garch_alpha: float = 0.08
    garch_beta: float = 0.90
    regime_names: tuple[str, ...] = ("CALM", "NORMAL", "STRESSED")
    regime_vol: tuple[float, ...] = (0.7, 1.0, 1.9)
    regime_drift: tuple[float, ...] = (0.0009, 0.0006, -0.0012)
    regime_stay: tuple[float, ...] = (0.985, 0.985, 0.96)
    calm_share: float = 0.6  # of exits from NORMAL, the share that go to CALM
    event_rate: float = 1 / 120  # stock events per stock per session
    event_median_pct: float = 5.0
    event_max_pct: float = 18.0
    macro_rate: float = 1 / 250
    macro_median_pct: float = 2.0
    gap_event_share: float = 0.7  # most news lands outside market hours
    overnight_share: float = 0.25  # part of the ordinary return earned overnight
    band_frac: float = 0.20  # circuit band: no close or open beyond +-20% of the last close


@dataclass(frozen=True, slots=True)
class Event:
    day: int
    stock: int  # -1: market-wide
    jump_pct: float
    minute: int  # minutes after 09:15 IST; negative = before the open


@dataclass
class DailyPath:
    days: list[date]
    open: F64
    high: F64
    low: F64
    close: F64
    volume: npt.NDArray[np.int64]
    regime: npt.NDArray[np.int64]
    day_vol: F64  # conditional daily volatility per (day, stock)
    events: list[Event] = field(default_factory=list)

    @property
    def n_days(self) -> int:
        return len(self.days)

    def head(self, n: int) -> DailyPath:
        return DailyPath(
            self.days[:n],
            self.open[:n],
            self.high[:n],
            self.low[:n],
            self.close[:n],
            self.volume[:n],
            self.regime[:n],
            self.day_vol[:n],
            [e for e in self.events if e.day < n],
        )


_ROW_KEYS = ("z_m", "u_reg", "mac_u", "mac_size", "mac_sign")
_STOCK_KEYS = ("z_i", "ev_u", "z_hi", "z_lo", "z_vol")
_EVENT_KEYS = ("ev_size", "ev_sign", "ev_gap", "ev_min")


def draw_blocks(seed: int, block_days: int, t: int, s: int, n: int) -> Block:
    """Every random number of t sessions, drawn in fixed blocks of block_days seeded by
    (seed, block), so a longer run starts with exactly the numbers of a shorter one."""
    out: Block = {k: np.empty(t) for k in _ROW_KEYS}
    out["z_s"] = np.empty((t, s))
    out.update({k: np.empty((t, n), dtype=np.float32) for k in _STOCK_KEYS})
    out.update({k: np.zeros((t, n), dtype=np.float32) for k in _EVENT_KEYS})
    for k, lo in enumerate(range(0, t, block_days)):
        rng = np.random.default_rng([seed, 1, k])
        hi = min(t, lo + block_days)
        for key in _ROW_KEYS:
            normal = key in ("z_m", "mac_size")
            draw = rng.standard_normal(block_days) if normal else rng.random(block_days)
            out[key][lo:hi] = draw[: hi - lo]
        out["z_s"][lo:hi] = rng.standard_normal((block_days, s))[: hi - lo]
        full: dict[str, Any] = {}
        for key in _STOCK_KEYS:
            shape = (block_days, n)
            full[key] = (
                rng.random(shape, dtype=np.float32)
                if key == "ev_u"
                else rng.standard_normal(shape, dtype=np.float32)
            )
            out[key][lo:hi] = full[key][: hi - lo]
        _draw_event_details(rng, full["ev_u"], out, lo, hi)
    return out


def _draw_event_details(
    rng: np.random.Generator, ev_u: npt.NDArray[np.float32], out: Block, lo: int, hi: int
) -> None:
    """Size, sign and timing for every cell of the whole block that could hold an event."""
    rows, cols = np.nonzero(ev_u < _EVENT_DRAW_CUTOFF)
    keep = rows < hi - lo
    for key in _EVENT_KEYS:
        vals = rng.standard_normal(len(rows)) if key == "ev_size" else rng.random(len(rows))
        out[key][lo + rows[keep], cols[keep]] = vals[keep]


def _regimes(u: F64, p: SimParams) -> npt.NDArray[np.int64]:
    """Markov chain CALM <-> NORMAL <-> STRESSED; stressed spells are rarer and shorter."""
    out = np.empty(len(u), dtype=np.int64)
    state = 1  # start NORMAL
    for t, x in enumerate(u):
        stay = p.regime_stay[state]
        if x >= stay:
            state = 1 if state != 1 else (0 if (x - stay) / (1 - stay) < p.calm_share else 2)
        out[t] = state
    return out


def _garch(z: F64, vol: F64 | float, p: SimParams, mult: F64) -> tuple[F64, F64]:
    """GARCH(1,1) shocks for z of shape (t,) or (t, n); returns (shocks, conditional variance)."""
    hbar = np.asarray(vol, dtype=np.float64) ** 2
    omega = hbar * (1 - p.garch_alpha - p.garch_beta)
    h = np.empty_like(z)
    e = np.empty_like(z)
    h_prev, e_prev = hbar, np.zeros_like(z[0])
    scale = mult if z.ndim == 1 else mult[:, None]
    for t in range(z.shape[0]):
        h[t] = omega + p.garch_alpha * e_prev**2 + p.garch_beta * h_prev
        e[t] = np.sqrt(h[t]) * z[t] * scale[t]
        h_prev, e_prev = h[t], e[t] / scale[t]
    return e, h * scale**2


def _jumps(d: Block, p: SimParams, beta: F64) -> tuple[F32, F32, list[Event]]:
    """Overnight and intraday jump log-returns (t, n) plus the event list (sparse work only)."""
    rows, cols = np.nonzero(d["ev_u"] < p.event_rate)
    size = np.clip(
        p.event_median_pct * np.exp(0.5 * d["ev_size"][rows, cols]), 1.5, p.event_max_pct
    )
    pct = np.where(d["ev_sign"][rows, cols] < 0.55, size, -size)
    gap = d["ev_gap"][rows, cols] < p.gap_event_share
    when = d["ev_min"][rows, cols]
    minute = np.where(gap, -75 + (when * 60).astype(int), 15 + (when * 300).astype(int))
    on = np.zeros(d["ev_u"].shape, dtype=np.float32)
    intra = np.zeros_like(on)
    jump = np.log1p(pct / 100)
    on[rows[gap], cols[gap]] = jump[gap]
    intra[rows[~gap], cols[~gap]] = jump[~gap]
    mac_days = np.nonzero(d["mac_u"] < p.macro_rate)[0]
    mac_pct = np.where(d["mac_sign"][mac_days] < 0.5, 1, -1) * np.clip(
        p.macro_median_pct * np.exp(0.4 * d["mac_size"][mac_days]), 0.8, 6.0
    )
    on[mac_days] += (np.log1p(mac_pct / 100)[:, None] * beta[None, :]).astype(np.float32)
    events = [
        Event(int(r), int(c), float(x), int(mi))
        for r, c, x, mi in zip(rows, cols, pct, minute, strict=True)
    ]
    events += [Event(int(r), -1, float(x), -45) for r, x in zip(mac_days, mac_pct, strict=True)]
    return on, intra, sorted(events, key=lambda e: (e.day, e.stock))


def _returns(d: Block, st: StockStatics, p: SimParams, regime: npt.NDArray[np.int64]) -> Block:
    """Overnight and close-to-close log returns, conditional day volatility, and the events."""
    mult = np.asarray(p.regime_vol)[regime]
    mkt, h_m = _garch(d["z_m"], p.market_vol, p, mult)
    mkt = mkt + np.asarray(p.regime_drift)[regime]
    clock = np.sqrt(h_m) / p.market_vol
    sec = (p.sector_vol * d["z_s"] * clock[:, None]).astype(np.float32)
    idio, h_i = _garch(d["z_i"], st.idio_vol.astype(np.float32), p, np.ones(len(regime)))
    f32 = np.float32
    diffusive = (
        st.beta.astype(f32) * mkt[:, None].astype(f32)
        + st.gamma.astype(f32) * sec[:, st.sector_idx]
        + idio
    )
    day_vol = np.sqrt(
        (st.beta**2).astype(f32) * h_m[:, None].astype(f32)
        + ((st.gamma * p.sector_vol).astype(f32) * clock[:, None].astype(f32)) ** 2
        + h_i
    )
    j_on, j_in, events = _jumps(d, p, st.beta)
    lo, hi = math.log1p(-p.band_frac), math.log1p(p.band_frac)
    r_on = np.clip(p.overnight_share * diffusive + j_on, lo, hi)
    r_all = np.clip(r_on + (1 - p.overnight_share) * diffusive + j_in, lo, hi)
    return {"r_on": r_on, "r_all": r_all, "day_vol": day_vol, "events": events}


def simulate_daily(d: Block, t: int, st: StockStatics, p: SimParams, days: list[date]) -> DailyPath:
    """Turn the random draws into t sessions of OHLCV for every stock."""
    regime = _regimes(d["u_reg"], p)
    r = _returns(d, st, p, regime)
    close = st.price0 * np.exp(np.cumsum(r["r_all"], axis=0, dtype=np.float64))
    opn = np.empty_like(close)
    opn[0] = st.price0
    opn[1:] = close[:-1]
    opn *= np.exp(r["r_on"])
    wick = 0.5 * r["day_vol"]
    high = np.maximum(opn, close) * np.exp(wick * d["z_hi"])
    low = np.minimum(opn, close) * np.exp(-wick * d["z_lo"])
    opn, high, low, close = _on_ticks(opn, high, low, close, st.tick)
    vol_mult = np.asarray(p.regime_vol, dtype=np.float32)[regime][:, None]
    volume = (
        st.adv.astype(np.float32)
        * np.exp(0.35 * d["z_vol"])
        * (1 + 8 * np.abs(r["r_all"]))
        * vol_mult
    )
    return DailyPath(
        days,
        opn,
        high,
        low,
        close,
        np.maximum(volume, 1).astype(np.int64),
        regime,
        r["day_vol"],
        r["events"],
    )


def _on_ticks(o: F64, h: F64, lo: F64, c: F64, tick: F64) -> tuple[F64, F64, F64, F64]:
    """Snap prices onto each stock's tick grid, in paise, keeping low <= open, close <= high."""
    tp = np.round(tick * 100)

    def snap(x: F64, how: Any) -> F64:
        out: F64 = how(x * (100 / tp)) * tp
        return out

    o, c = np.maximum(snap(o, np.rint), tp), np.maximum(snap(c, np.rint), tp)
    h = np.maximum(snap(h, np.ceil), np.maximum(o, c))
    lo = np.maximum(np.minimum(snap(lo, np.floor), np.minimum(o, c)), tp)
    return o / 100, h / 100, lo / 100, c / 100


def intraday_path(
    rng: np.random.Generator, path: DailyPath, t: int, m: int, st: StockStatics, p: SimParams
) -> dict[str, Any]:
    """m intraday bars per stock (arrays (n, m)) that start at the day's open, end at its close,
    touch its high and low exactly, sum to its volume, and carry intraday jumps at their minute."""
    o, h, lo, c = (x[t][:, None] for x in (path.open, path.high, path.low, path.close))
    n = o.shape[0]
    steps = rng.standard_normal((n, m)) * path.day_vol[t][:, None] / math.sqrt(m)
    for ev in (e for e in path.events if e.day == t and e.stock >= 0 and e.minute >= 0):
        steps[ev.stock, min(m - 1, ev.minute * m // 375)] += math.log1p(ev.jump_pct / 100)
    walk = np.cumsum(steps, axis=1)
    frac = np.arange(1, m + 1)[None, :] / m
    walk -= frac * (walk[:, -1:] - np.log(c / o))
    closes = np.clip(o * np.exp(walk), lo, h)
    closes[:, -1:] = c
    tick = st.tick[:, None]
    closes = np.clip(np.round(closes / tick) * tick, lo, h)
    opens = np.hstack([o, closes[:, :-1]])
    wig = path.day_vol[t][:, None] / math.sqrt(m) * 0.5
    highs = np.clip(
        np.maximum(opens, closes) * np.exp(wig * np.abs(rng.standard_normal((n, m)))), lo, h
    )
    lows = np.clip(
        np.minimum(opens, closes) * np.exp(-wig * np.abs(rng.standard_normal((n, m)))), lo, h
    )
    highs = np.maximum(np.ceil(highs / tick) * tick, np.maximum(opens, closes)).clip(lo, h)
    lows = np.minimum(np.floor(lows / tick) * tick, np.minimum(opens, closes)).clip(lo, h)
    rows = np.arange(n)
    highs[rows, np.argmax(highs, axis=1)] = h[:, 0]
    lows[rows, np.argmin(lows, axis=1)] = lo[:, 0]
    return {
        "open": np.round(opens, 2),
        "high": np.round(highs, 2),
        "low": np.round(lows, 2),
        "close": np.round(closes, 2),
        "volume": _split_volume(rng, path.volume[t], m),
    }


def _split_volume(rng: np.random.Generator, total: npt.NDArray[np.int64], m: int) -> Any:
    """U-shaped intraday volume profile that sums exactly to the daily volume."""
    k = np.arange(m)
    shape = 1 + 1.5 * ((k - (m - 1) / 2) / ((m - 1) / 2 or 1)) ** 2
    w = shape[None, :] * np.exp(0.3 * rng.standard_normal((len(total), m)))
    w /= w.sum(axis=1, keepdims=True)
    vol = np.floor(w * total[:, None]).astype(np.int64)
    vol[:, -1] += total - vol.sum(axis=1)
    return vol
