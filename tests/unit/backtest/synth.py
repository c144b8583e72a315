"""Synthetic daily bars for backtest tests: random walks with optional planted trend persistence."""

from __future__ import annotations

import numpy as np
import pandas as pd


def synthetic_bars(
    n_symbols: int = 20,
    n_days: int = 1000,
    persistence: float = 0.0,
    seed: int = 0,
    start: str = "2015-01-01",
) -> pd.DataFrame:
    """Long-format bars (importer layout). With persistence > 0 the next return leans on the
    average of the last five, so momentum features carry real, learnable information."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range(start, periods=n_days)
    ts = (days + pd.Timedelta(hours=3, minutes=45)).tz_localize("UTC")
    frames = []
    for s in range(n_symbols):
        eps = rng.normal(0, 0.015, n_days)
        r = np.zeros(n_days)
        for t in range(n_days):
            r[t] = persistence * r[max(0, t - 5) : t].mean() if t else 0.0
            r[t] += eps[t]
        close = 100 * np.exp(np.cumsum(r))
        prev = np.r_[close[0], close[:-1]]
        open_ = prev * np.exp(rng.normal(0, 0.003, n_days))
        high = np.maximum(open_, close) * np.exp(np.abs(rng.normal(0, 0.006, n_days)))
        low = np.minimum(open_, close) * np.exp(-np.abs(rng.normal(0, 0.006, n_days)))
        frames.append(
            pd.DataFrame(
                {
                    "symbol": f"SYM{s:02d}",
                    "exchange": "NSE",
                    "ts": ts,
                    "open": open_,
                    "high": high,
                    "low": low,
                    "close": close,
                    "volume": rng.integers(200_000, 2_000_000, n_days),
                    "oi": pd.array([None] * n_days, dtype="Int64"),
                    "source": "CSV",
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
