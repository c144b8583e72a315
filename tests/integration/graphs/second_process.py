"""Run in a separate Python process: resume another process's graph threads from the checkpointer.

Usage: python -m tests.integration.graphs.second_process <db url> <card id> <card hash> <answers>
Prints one JSON line with what happened.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime

from app.desk_facade import DeskFacade
from core.clock import IST, FakeClock
from store.audit import AuditLog
from store.db import make_engine, session_factory


async def main(url: str, card_id: int, card_hash: str, answers: list[str]) -> dict[str, object]:
    clock = FakeClock(datetime(2025, 12, 16, 9, 20, tzinfo=IST))
    engine = make_engine(url)
    facade = DeskFacade(session_factory(engine), clock, AuditLog(clock), database_url=url)
    try:
        demo = facade.principal_for("demo")
        step: dict[str, object] = {}
        for answer in answers:
            step = await facade.intake_answer(demo, answer)
        decided = await facade.decide_card(demo, card_id, "approve", card_hash, via="cli")
        return {"intake": step, "decided": decided}
    finally:
        await facade.aclose()
        engine.dispose()


if __name__ == "__main__":
    url, card, digest, raw = sys.argv[1:5]
    print(json.dumps(asyncio.run(main(url, int(card), digest, json.loads(raw))), default=str))
