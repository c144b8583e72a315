"""Benchmark the feature builder: full technical set vs a per-symbol pandas loop vs bare TA-Lib.

Usage: python benchmarks/bench_features.py [--symbols 2000] [--days 2500] [--repeat 3]

Datasets: the simulator (symbols x days daily bars) and the real NIFTY 50 histories in
../shared/data/ohlcv/. Each variant runs in its own fresh process, so peak memory (max RSS) is
that variant's alone; "extra MB" is the peak above the peak right after loading the bars.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import talib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("DESK_SHARED_DATA", ROOT.parent / "shared" / "data"))
FULL_INDICATORS = 12  # mom 5/10/20, ATR, ATR %, RSI, gap %, gap filled, vol, ADV, liquidity, regime
TALIB_INDICATORS = 2  # RSI, ATR


def _rss_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, it resets at exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_full(bars: pd.DataFrame) -> None:
    from tools.features.build import build_features

    build_features(bars)


def run_talib(bars: pd.DataFrame) -> None:
    """TA-Lib RSI + ATR per symbol, nothing else (the floor for these two indicators)."""
    bars = bars.sort_values(["symbol", "ts"], kind="stable")
    for _, g in bars.groupby("symbol", sort=False, observed=True):
        c, h, lo = (g[k].to_numpy(float) for k in ("close", "high", "low"))
        talib.RSI(c, 14)
        talib.ATR(h, lo, c, 14)


def run_pandas_loop(bars: pd.DataFrame) -> None:
    """The same technical set written the plain way: one symbol at a time in pandas."""
    out = []
    bars = bars.sort_values(["symbol", "ts"], kind="stable")
    for _, g in bars.groupby("symbol", sort=False, observed=True):
        c, o, h, lo = g["close"], g["open"], g["high"], g["low"]
        prev = c.shift(1)
        f = pd.DataFrame(index=g.index)
        for n in (5, 10, 20):
            f[f"momentum_{n}d"] = c.pct_change(n) * 100
        f["gap_percent"] = (o / prev - 1) * 100
        f["gap_filled"] = (lo <= prev) & (h >= prev)
        delta = c.diff()
        gain = delta.clip(lower=0).ewm(alpha=1 / 14, adjust=False).mean()
        loss = (-delta).clip(lower=0).ewm(alpha=1 / 14, adjust=False).mean()
        f["rsi_14"] = 100 * gain / (gain + loss)
        tr = pd.concat([h - lo, (h - prev).abs(), (lo - prev).abs()], axis=1).max(axis=1)
        f["atr_14d"] = tr.ewm(alpha=1 / 14, adjust=False).mean()
        f["atr_percent"] = f["atr_14d"] / c * 100
        f["realized_vol_20d"] = np.log(c / prev).rolling(20).std() * np.sqrt(252) * 100
        f["adv_20d_inr"] = (c * g["volume"]).rolling(20).mean()
        f["liquidity_regime"] = np.select(
            [f["adv_20d_inr"] >= 1e9, f["adv_20d_inr"] >= 1e8], ["HIGH", "MEDIUM"], "LOW"
        )
        out.append(f)
    pd.concat(out)


VARIANTS = {"full": run_full, "talib_rsi_atr": run_talib, "pandas_loop": run_pandas_loop}


def child(variant: str, path: str, repeat: int) -> None:
    bars = pd.read_pickle(path)  # noqa: S301 - our own temp file, written by main()
    base = _rss_mb()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        VARIANTS[variant](bars)
        times.append(time.perf_counter() - t0)
    print(
        json.dumps(
            {
                "best_s": min(times),
                "peak_mb": _rss_mb(),
                "extra_mb": _rss_mb() - base,
                "rows": len(bars),
                "symbols": int(bars["symbol"].nunique()),
            }
        )
    )


def _measure(variant: str, path: Path, repeat: int) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", variant, str(path), "--repeat", str(repeat)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(res.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _real_bars(name: str) -> pd.DataFrame:
    from tests.unit.features.conftest import bars_from_csv

    return bars_from_csv(DATA / "ohlcv" / name)


def _datasets(tmp: Path, symbols: int, days: int) -> dict[str, Path]:
    from tools.market.simulator import MarketSimulator

    t0 = time.perf_counter()
    sim = MarketSimulator(7, symbols, date(2015, 1, 1)).daily_bars(days)
    print(f"simulated {symbols} x {days} bars in {time.perf_counter() - t0:.1f} s")
    paths = {
        f"simulated {symbols}x{days}": tmp / "sim.pkl",
        "NIFTY 50 upstox 2020-23": tmp / "upstox.pkl",
        "NIFTY 50 yahoo 1991-2023": tmp / "yf.pkl",
    }
    sim.to_pickle(paths[f"simulated {symbols}x{days}"])
    _real_bars("upstox_nifty50_daily_2020_2025.csv.gz").to_pickle(paths["NIFTY 50 upstox 2020-23"])
    _real_bars("yf_nifty50_daily_1991_2024.csv.gz").to_pickle(paths["NIFTY 50 yahoo 1991-2023"])
    return paths


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--symbols", type=int, default=2000)
    ap.add_argument("--days", type=int, default=2500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-pandas", action="store_true", help="skip the slow pandas loop")
    ap.add_argument("--child", nargs=2, metavar=("VARIANT", "PICKLE"))
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.repeat)
        return
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    variants = [v for v in VARIANTS if not (args.skip_pandas and v == "pandas_loop")]
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in _datasets(Path(tmp), args.symbols, args.days).items():
            rows = {
                v: _measure(v, path, args.repeat if v != "pandas_loop" else 1) for v in variants
            }
            _report(name, rows)


def _report(name: str, rows: dict[str, dict[str, float]]) -> None:
    first = next(iter(rows.values()))
    print(f"\n{name}: {first['rows']:,} bars, {first['symbols']} symbols")
    print(f"  {'variant':<15}{'wall s':>9}{'peak MB':>10}{'extra MB':>10}{'s/indicator':>13}")
    for v, r in rows.items():
        n = FULL_INDICATORS if v != "talib_rsi_atr" else TALIB_INDICATORS
        print(
            f"  {v:<15}{r['best_s']:>9.3f}{r['peak_mb']:>10.0f}{r['extra_mb']:>10.0f}"
            f"{r['best_s'] / n:>13.4f}"
        )
    full, bare = rows["full"]["best_s"], rows["talib_rsi_atr"]["best_s"]
    ratio = (full / FULL_INDICATORS) / (bare / TALIB_INDICATORS)
    print(f"  full set per indicator / bare TA-Lib per indicator = {ratio:.2f}x (goal <= 2x)")


if __name__ == "__main__":
    main()
