"""Child process of the crash test: execute a card on (fake) Upstox, adopt the entry fill, and
die (os._exit) right after the fill is booked, before the protective stop is placed.

Usage: python -m tests.integration.execution.crash_child DB_URL BASE_URL TOKEN CARD_ID ISO_NOW
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime

from core.clock import FakeClock
from store.audit import AuditLog
from store.db import make_engine, session_factory
from tools.broker.upstox.http import UpstoxBroker
from tools.execution.manager import OrderManager

CRASH_EXIT = 17


def _die(point: str) -> None:
    if point == "after_entry_fill":
        os._exit(CRASH_EXIT)  # no cleanup, no commit of anything further: a real crash


async def main(db_url: str, base_url: str, token: str, card_id: int, now: str) -> None:
    clock = FakeClock(datetime.fromisoformat(now))
    sessions = session_factory(make_engine(db_url))
    broker = UpstoxBroker(lambda: token, clock, base_url=base_url)
    manager = OrderManager(sessions, broker, clock, AuditLog(clock), None,
                           native_brackets=False)  # the client-side bracket is the crash risk
    manager.fault = _die
    await manager.execute_card(card_id)
    await manager.reconcile()  # adopts the entry fill -> _die before the stop goes out
    raise SystemExit(3)  # not reached when the crash seam fires


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]))
