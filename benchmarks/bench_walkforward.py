"""Time the full walk-forward backtest over every NIFTY 50 bar in ../shared/data/ohlcv.

Usage: python benchmarks/bench_walkforward.py [DATA_DIR]
Prints wall-clock and CPU seconds per phase (goal: whole run under 60 s on 2 cores).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tools.backtest.evaluate import score  # noqa: E402
from tools.backtest.runner import BacktestConfig, load_bars_dir, run_walk_forward  # noqa: E402


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data" / "ohlcv"
    wall0, cpu0 = time.perf_counter(), time.process_time()
    bars, info = load_bars_dir(data)
    t_load = time.perf_counter() - wall0
    cfg = BacktestConfig()
    wf = run_walk_forward(bars, cfg)
    t_wf = time.perf_counter() - wall0 - t_load
    card = score(wf, cfg)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    folds = [f for f in wf.folds if "skipped" not in f]
    overall = card.summary["strategies"]["overall"]
    print(
        f"data: {info['rows_used']:,} bars, {bars['symbol'].nunique()} symbols, "
        f"{wf.prepared.data['first']} .. {wf.prepared.data['last']}; cpus={os.cpu_count()}"
    )
    print(
        f"folds trained: {len(folds)} (of {len(wf.folds)}); test signals: {len(wf.signals):,}; "
        f"trades: {overall['trades']}"
    )
    print(f"load CSVs      {t_load:6.1f} s")
    print(f"features+labels {wf.seconds['prepare']:5.1f} s")
    print(f"walk-forward   {t_wf:6.1f} s (incl. features+labels)")
    print(f"score + sims   {wall - t_load - t_wf:6.1f} s")
    print(f"TOTAL wall     {wall:6.1f} s   CPU {cpu:6.1f} s   (load avg {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
