"""Benchmark the daily-bar import (285k-row yfinance history) on SQLite and Postgres, plus the
simulator (2,000 symbols x 2,500 sessions).

    python benchmarks/bench_import.py                # SQLite, and Postgres if a URL is set
    DESK_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres python benchmarks/...

A throwaway database is created (SQLite file in a temp dir; a fresh Postgres database that is
dropped afterwards). Prints rows/s for the first import and for an idempotent re-run.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from store.db import make_engine, session_factory, transaction, upgrade  # noqa: E402
from tools.market.importers import import_bars  # noqa: E402
from tools.market.simulator import MarketSimulator  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "ohlcv" / "yf_nifty50_daily_1991_2024.csv.gz"


def bench(url: str, label: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    for run in ("first import", "re-import"):
        started, cpu0 = time.perf_counter(), time.process_time()
        with transaction(sessions) as session:
            report = import_bars(session, [DATA])
        secs, cpu = time.perf_counter() - started, time.process_time() - cpu0
        print(
            f"{label:9s} {run:13s} {report.rows_read:,} rows read, {report.inserted:,} inserted,"
            f" {report.duplicates:,} duplicates in {secs:.2f} s = {report.rows_read / secs:,.0f}"
            f" rows/s (client CPU {cpu:.2f} s)"
        )
    engine.dispose()


def bench_postgres(base_url: str) -> None:
    name = f"desk_bench_{uuid.uuid4().hex[:8]}"
    admin_url = make_url(base_url).set(database="postgres").render_as_string(hide_password=False)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        bench(
            make_url(base_url).set(database=name).render_as_string(hide_password=False), "postgres"
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench_simulator() -> None:
    for label in ("cold", "warm"):
        started, cpu0 = time.perf_counter(), time.process_time()
        frame = MarketSimulator(7, 2000, date(2016, 1, 1)).daily_bars(2500)
        secs, cpu = time.perf_counter() - started, time.process_time() - cpu0
        print(
            f"simulator {label}: 2,000 symbols x 2,500 sessions = {len(frame):,} bars in "
            f"{secs:.2f} s (CPU {cpu:.2f} s)"
        )


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if not DATA.exists():
        sys.exit(f"shared data not found at {DATA}")
    with tempfile.TemporaryDirectory() as tmp:
        bench(f"sqlite:///{tmp}/bench.sqlite3", "sqlite")
    pg = os.environ.get("DESK_BENCH_PG_URL") or os.environ.get("DESK_TEST_DATABASE_URL")
    if pg:
        bench_postgres(pg)
    else:
        print("postgres  skipped (set DESK_BENCH_PG_URL)")
    bench_simulator()


if __name__ == "__main__":
    main()
