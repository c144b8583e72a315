"""Own the seeded simulated NSE market: daily and intraday bars plus the headlines behind jumps.

Everything here is SIMULATED and labelled so. Structure: a market factor with GARCH(1,1)
volatility and a three-state regime chain (calm, normal, stressed), sector factors that share
the market's volatility clock, idiosyncratic GARCH noise per stock, overnight gaps, and Poisson
event jumps (each with a matching synthetic headline), all capped at the circuit band.
Random draws come in fixed 64-day blocks seeded by (seed, block), so a longer run starts with
exactly the bars of a shorter one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.clock import IST, to_ist
from core.domain import Instrument
from core.enums import DataSource
from tools.market.calendar import NseCalendar, daily_bar_ts
from tools.market.headlines import SimulatedHeadline, macro_headline, stock_headline
from tools.market.instruments import default_last_prices, default_universe
from tools.market.sim_paths import (
    DailyPath,
    SimParams,
    draw_blocks,
    intraday_path,
    simulate_daily,
)

BLOCK_DAYS = 64
_SYNTH_SECTORS = (
    "Financial Services",
    "Information Technology",
    "Oil Gas & Consumable Fuels",
    "Fast Moving Consumer Goods",
    "Automobile and Auto Components",
    "Healthcare",
    "Metals & Mining",
    "Capital Goods",
    "Power",
    "Construction Materials",
)
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class StockStatics:
    """Per-stock constants drawn once from the seed."""

    beta: F64
    gamma: F64
    idio_vol: F64
    sector_idx: npt.NDArray[np.int64]
    price0: F64
    adv: F64
    tick: F64


class MarketSimulator:
    """A reproducible simulated market over `symbols` (instruments, or a count) from `start`."""

    def __init__(
        self,
        seed: int,
        symbols: list[Instrument] | int,
        start: date,
        *,
        params: SimParams | None = None,
        calendar: NseCalendar | None = None,
    ) -> None:
        self.seed = int(seed)
        self.start = start
        self.params = params or SimParams()
        self.calendar = calendar or NseCalendar()
        insts = symbols if isinstance(symbols, list) else synthetic_universe(int(symbols))
        if not insts:
            raise ValueError("the simulator needs at least one symbol")
        self.instruments = sorted(insts, key=lambda i: i.symbol)
        self.symbols = [i.symbol for i in self.instruments]
        self.sectors = sorted({i.sector or "Unclassified" for i in self.instruments})
        self.statics = self._draw_statics()
        self._path: DailyPath | None = None

    def _draw_statics(self) -> StockStatics:
        rng = np.random.default_rng([self.seed, 0])
        n, p = len(self.instruments), self.params
        known = default_last_prices()
        guess = np.exp(rng.normal(math.log(800.0), 0.9, n)).clip(20, 30_000)
        price0 = np.array([known.get(s, g) for s, g in zip(self.symbols, guess, strict=True)])
        sector_of = {s: k for k, s in enumerate(self.sectors)}
        return StockStatics(
            beta=rng.uniform(*p.beta_range, n),
            gamma=rng.uniform(*p.gamma_range, n),
            idio_vol=rng.uniform(*p.idio_vol_range, n),
            sector_idx=np.array([sector_of[i.sector or "Unclassified"] for i in self.instruments]),
            price0=price0,
            adv=np.exp(rng.normal(math.log(2e6), 0.8, n)),
            tick=np.array([float(i.tick_size) for i in self.instruments]),
        )

    def sessions(self, n_days: int) -> list[date]:
        """The first n_days NSE sessions on or after start."""
        out: list[date] = []
        lo = self.start
        while len(out) < n_days:
            hi = lo + timedelta(days=int((n_days - len(out)) * 1.5) + 10)
            out.extend(self.calendar.sessions(lo, hi))
            lo = hi + timedelta(days=1)
        return out[:n_days]

    def _ensure(self, n_days: int) -> DailyPath:
        if n_days <= 0:
            raise ValueError("n_days must be positive")
        if self._path is None or self._path.n_days < n_days:
            draws = draw_blocks(self.seed, BLOCK_DAYS, n_days, len(self.sectors), len(self.symbols))
            self._path = simulate_daily(
                draws, n_days, self.statics, self.params, self.sessions(n_days)
            )
            self.__dict__.pop("_headlines", None)
        return self._path

    def daily_bars(self, n_days: int) -> pd.DataFrame:
        """n_days of daily bars in long format, sorted by symbol then ts; source SIMULATED."""
        path = self._ensure(n_days).head(n_days)
        stamps = pd.DatetimeIndex([daily_bar_ts(d) for d in path.days]).tz_convert("UTC")
        arrays = {k: getattr(path, k).T for k in ("open", "high", "low", "close", "volume")}
        return self._long_frame(stamps, arrays)

    def _long_frame(self, stamps: pd.DatetimeIndex, arrays: dict[str, Any]) -> pd.DataFrame:
        """Long format from (n_symbols, n_times) arrays; symbol is a categorical column."""
        n, t = len(self.symbols), len(stamps)
        codes = np.repeat(np.arange(n), t)
        frame = {
            "symbol": pd.Categorical.from_codes(codes, categories=pd.Index(self.symbols)),
            "exchange": "NSE",
            "ts": stamps.take(np.tile(np.arange(t), n)),
            **{k: np.ascontiguousarray(v).ravel() for k, v in arrays.items()},
            "oi": pd.arrays.IntegerArray(
                np.zeros(n * t, dtype=np.int64), np.ones(n * t, dtype=bool)
            ),
            "source": str(DataSource.SIMULATED),
        }
        return pd.DataFrame(frame)

    def regimes(self, n_days: int) -> list[str]:
        """The market regime (CALM, NORMAL, STRESSED) of each of the first n_days sessions."""
        path = self._ensure(n_days)
        return [self.params.regime_names[k] for k in path.regime[:n_days]]

    def headlines(self, n_days: int | None = None) -> list[SimulatedHeadline]:
        """One headline per event jump, by time: of the first n_days sessions, or of every
        session generated so far (by daily_bars / intraday_bars) when n_days is None."""
        if n_days is not None:
            self._ensure(n_days)
            last = self._path.days[n_days - 1] if self._path else self.start
            return [h for h in self._headlines if to_ist(h.ts).date() <= last]
        return list(self._headlines)

    @cached_property
    def _headlines(self) -> list[SimulatedHeadline]:
        if self._path is None:
            return []
        path, out = self._path, []
        names = {i.symbol: i.name or i.symbol for i in self.instruments}
        for ev in path.events:
            rng = np.random.default_rng([self.seed, 7, ev.day, ev.stock + 1])
            ts = self._event_ts(path.days[ev.day], ev.minute)
            if ev.stock < 0:
                out.append(macro_headline(rng, ts, ev.jump_pct))
                continue
            sym = self.symbols[ev.stock]
            prev = path.close[ev.day - 1, ev.stock] if ev.day else self.statics.price0[ev.stock]
            out.append(stock_headline(rng, ts, sym, names[sym], float(prev), ev.jump_pct))
        return sorted(out, key=lambda h: (h.ts, h.symbol or ""))

    @staticmethod
    def _event_ts(day: date, minute: int) -> datetime:
        """Minutes after 09:15 IST (negative: before the open, i.e. a pre-market announcement)."""
        base = datetime.combine(day, datetime.min.time(), tzinfo=IST) + timedelta(
            hours=9, minutes=15
        )
        return (base + timedelta(minutes=minute)).astimezone(daily_bar_ts(day).tzinfo)

    def intraday_bars(self, day: date, interval_minutes: int = 5) -> pd.DataFrame:
        """Intraday bars of one session that aggregate exactly to that day's daily bar."""
        if 375 % interval_minutes:
            raise ValueError(
                "interval_minutes must divide the 375-minute session (1, 3, 5, 15 ...)"
            )
        if day < self.start or not self.calendar.is_session(day):
            raise ValueError(f"{day.isoformat()} is not a simulated session")
        t = len(self.calendar.sessions(self.start, day)) - 1
        path = self._ensure(t + 1)
        m = 375 // interval_minutes
        rng = np.random.default_rng([self.seed, 2, t])
        bars = intraday_path(rng, path, t, m, self.statics, self.params)
        opens_at = self.calendar.session_open(day)
        stamps = pd.DatetimeIndex(
            [opens_at + timedelta(minutes=interval_minutes * k) for k in range(m)]
        ).tz_convert("UTC")
        return self._long_frame(stamps, bars)


def start_for_history(n_days: int, before: date, calendar: NseCalendar | None = None) -> date:
    """The first of the n_days sessions that end just before `before`, so a simulator started
    there has exactly n_days of history before that day and carries on into it."""
    cal = calendar or NseCalendar()
    span = cal.sessions(before - timedelta(days=n_days * 2 + 30), before - timedelta(days=1))
    return span[-n_days]


def synthetic_universe(n: int) -> list[Instrument]:
    """The shipped NIFTY 50 names first, then SIM0001... spread over ten NSE sectors."""
    base = default_universe()[:n]
    extra = [
        Instrument(
            symbol=f"SIM{k:04d}",
            exchange="NSE",
            name=f"Simulated Company {k:04d} Ltd.",
            sector=_SYNTH_SECTORS[k % len(_SYNTH_SECTORS)],
        )
        for k in range(1, n - len(base) + 1)
    ]
    return base + extra
