"""Time report generation and dashboard pages on a busy account (SQLite, temporary database).

    python benchmarks/bench_reports.py [--trades 300] [--open 20]

Seeds one account with `trades` closed round trips spread over the month and `open` open
positions, then times: EOD build+render+PDF, monthly build+render+PDF, and the home, account and
audit pages (median of 5 requests each, signed in through the real login form).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient

from app.bootstrap import Container
from app.web.app import create_app
from core.clock import IST, FakeClock
from core.settings import Settings
from store.db import transaction, upgrade
from tests.unit.reports.helpers import add_account, closed_trade, open_trade
from tools.accounts.access import ensure_user, grant
from tools.reports.service import generate_report

DAY = date(2025, 12, 16)
SYMBOLS = ["INFY", "TCS", "HDFCBANK", "ITC", "SBIN", "RELIANCE", "LT", "AXISBANK"]


def seed(container: Container, trades: int, opened: int) -> int:
    clock = container.clock
    with transaction(container.sessions) as s:
        acc = add_account(s, datetime(2025, 11, 1, 9, 0, tzinfo=IST), deposit="1000000")
        user = ensure_user(s, container.audit, clock, "bench", password="bench-password")  # noqa: S106
        grant(s, container.audit, user.id, acc, can_approve=True)
        for k in range(trades):
            day = date(2025, 12, 1) + timedelta(days=k % 15)
            t0 = datetime(day.year, day.month, day.day, 9, 30, tzinfo=IST)
            px = 100 + k % 7
            closed_trade(
                s,
                acc,
                t0,
                t0 + timedelta(hours=3),
                SYMBOLS[k % len(SYMBOLS)],
                str(px),
                str(px + (k % 5) - 2),
                10 + k % 3,
                strategy=("momentum", "mean_reversion", "event_driven")[k % 3],
            )
        for k in range(opened):
            open_trade(
                s,
                acc,
                datetime(2025, 12, 16, 10, 0, tzinfo=IST) + timedelta(minutes=k),
                SYMBOLS[k % len(SYMBOLS)],
                "100",
                10,
                mark="101",
            )
    return acc


def timed(fn, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trades", type=int, default=300)
    ap.add_argument("--open", type=int, default=20)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    upgrade(url)
    clock = FakeClock(datetime(2025, 12, 16, 16, 0, tzinfo=IST))
    c = Container(Settings(database_url=url, data_dir=tmp / "var"), clock=clock)
    acc = seed(c, args.trades, args.open)
    print(f"account with {args.trades} closed trades and {args.open} open positions")
    for kind in ("eod", "monthly"):

        def run(kind: str = kind) -> None:
            with transaction(c.sessions) as s:
                generate_report(s, c.audit, clock, kind, DAY, acc, simulated=True)

        print(
            f"{kind:8s} report (build + Markdown + charts + PDF + store): "
            f"{timed(run, 3):8.1f} ms (median of 3)"
        )
    client = TestClient(create_app(c))
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    client.post(
        "/login",
        data={"username": "bench", "password": "bench-password", "csrf_token": token.group(1)},
    )
    for path in ("/", f"/accounts/{acc}", "/positions/live", "/audit/cards/1", "/reports"):
        ms = timed(lambda p=path: client.get(p).raise_for_status(), 5)
        print(f"GET {path:22s} {ms:8.1f} ms (median of 5)")


if __name__ == "__main__":
    main()
