"""Any process can resume any thread: intake and approval started here, finished in a second
Python process through the shared checkpointer (SQLite file or Postgres)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
from langchain_openai import ChatOpenAI

from store.db import transaction
from tests.factories import make_card
from tests.fakes.openai_server import FakeOpenAIServer
from tests.integration.graphs.conftest import make_desk

ANSWERS = [
    "Second process",
    "balanced",
    "SIP 15000 monthly for 12 months",
    "2 to 8 days",
    "medium",
    "none",
    "all",
    "every trade",
    "yes",
]


@pytest.mark.slow
async def test_threads_resume_in_another_process(desk, clock):
    demo = desk.facade.principal_for("demo")
    first = await desk.facade.intake_start(demo)
    assert first["key"] == "name"
    await desk.facade.intake_answer(demo, ANSWERS[0])
    with transaction(desk.db.sessions) as s:
        card = make_card(s, clock, desk.accounts[0])
    await desk.facade.review_card(card.id)
    await desk.facade.aclose()  # this process lets go; the threads live in the checkpointer

    proc = await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "tests.integration.graphs.second_process",
            desk.db.url,
            str(card.id),
            card.card_hash,
            json.dumps(ANSWERS[1:]),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["intake"]["kind"] == "intake_saved"
    assert out["decided"]["status"] == "APPROVED"
    assert await desk.facade._pending("judge", f"card:{card.id}") is None
    assert desk.facade.card(demo, card.id)["decided_via"] == "cli"


async def test_intake_over_the_fake_openai_server(db, clock):
    def restate(body):
        answer = json.loads(body["messages"][-1]["content"])["answer"]
        canonical = "lump sum 2 lakh in 2 tranches" if "two lakh" in answer else answer
        return json.dumps(
            {"understood": True, "canonical": canonical, "assumptions": ["read by the model"]}
        )

    with FakeOpenAIServer(responder=restate) as srv:
        llm = ChatOpenAI(base_url=srv.base_url, api_key="test-key", model="m", max_retries=0)
        d = await make_desk(db, clock, llm=llm)
        demo = d.facade.principal_for("demo")
        await d.facade.intake_start(demo)
        step = {}
        for answer in [
            "LLM acct",
            "max profit",
            "two lakh, in two goes",
            "1 to 5 days",
            "high",
            "none",
            "momentum",
            "entries only",
        ]:
            step = await d.facade.intake_answer(demo, answer)
        await d.facade.aclose()
        assert len(srv.requests) == 8
    assert step["kind"] == "intake_review"
    assert step["spec"]["funding"]["lump_sum_amount"] == "200000"
    assert "read by the model" in step["assumptions"]
