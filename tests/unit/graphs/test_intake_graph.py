"""The intake graph with fake ports: interrupts, re-asks, back, cancel, review, LLM path."""

from __future__ import annotations

import json

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from core.errors import Conflict
from graphs.context import DeskContext
from graphs.intake import build_intake_graph
from tests.fakes.fake_chat import ScriptedChatModel

ANSWERS = [
    "Retirement",
    "balanced",
    "SIP 25k monthly for 24 months",
    "2 to 10 days",
    "medium",
    "banking",
    "momentum",
    "every trade",
]


class SavingPorts:
    def __init__(self):
        self.saved = []

    def save_account(self, spec, user):
        self.saved.append((spec, user))
        return {"account_id": 7, "name": spec.name}


@pytest.fixture
def run(clock):
    ports = SavingPorts()
    graph = build_intake_graph().compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "t"}}

    async def step(value, llm=None):
        ctx = DeskContext(clock=clock, intake=ports, llm=llm)
        out = await graph.ainvoke(value, cfg, context=ctx)
        return out["__interrupt__"][0].value if "__interrupt__" in out else out

    step.ports = ports
    return step


async def _answer_all(run, answers, llm=None):
    out = await run({"user": "demo"}, llm)
    for a in answers:
        out = await run(Command(resume=a), llm)
    return out


async def test_full_conversation_saves_only_after_yes(run):
    review = await _answer_all(run, ANSWERS)
    assert review["kind"] == "intake_review"
    assert run.ports.saved == []
    assert "Financial Services" in review["summary"]
    assert any("not asked" in a for a in review["assumptions"])
    done = await run(Command(resume="yes"))
    assert done["status"] == "saved"
    assert done["result"] == {"account_id": 7, "name": "Retirement"}
    spec, user = run.ports.saved[0]
    assert user == "demo"
    assert spec.funding.sip_duration_months == 24


async def test_bad_answer_is_reasked_with_an_example(run):
    await run({"user": "demo"})
    await run(Command(resume="Retirement"))
    q = await run(Command(resume="whatever"))
    assert q["key"] == "objective"
    assert "For example" in q["error"]


async def test_back_and_cancel(run):
    await run({"user": "demo"})
    await run(Command(resume="Retirement"))
    back = await run(Command(resume="back"))
    assert back["key"] == "name"
    out = await run(Command(resume="cancel"))
    assert out["status"] == "cancelled"
    assert run.ports.saved == []


async def test_review_back_returns_to_last_question(run):
    await _answer_all(run, ANSWERS)
    q = await run(Command(resume="back"))
    assert q["key"] == "approval"
    again = await run(Command(resume="entries only"))
    assert again["kind"] == "intake_review"
    assert again["spec"]["mandate"]["approval_mode"] == "entries_only"


async def test_invalid_value_sends_user_back_to_its_question(run):
    out = await _answer_all(run, [*ANSWERS[:3], "2 to 400 days", *ANSWERS[4:]])
    assert out["kind"] == "intake_question"
    assert out["key"] == "horizon"
    assert "horizon_max_days" in out["error"]


async def test_llm_restatement_is_parsed_offline(run):
    replies = [json.dumps({"understood": True, "canonical": a, "assumptions": []}) for a in ANSWERS]
    replies[2] = json.dumps(
        {
            "understood": True,
            "canonical": "SIP 25000 monthly for 24 months",
            "assumptions": ["'two grand a month' read as ₹25,000"],
        }
    )
    llm = ScriptedChatModel(replies=replies)
    answers = [*ANSWERS[:2], "two and a half grand monthly for two years", *ANSWERS[3:]]
    review = await _answer_all(run, answers, llm)
    assert review["spec"]["funding"]["sip_amount"] == "25000"
    assert review["spec"]["funding"]["sip_amount"] == "25000"
    assert "'two grand a month' read as ₹25,000" in review["assumptions"]
    assert len(llm.prompts) == 8


async def test_llm_failure_falls_back_to_offline_parser(run):
    llm = ScriptedChatModel(replies=["not json"] * 8)
    review = await _answer_all(run, ANSWERS, llm)
    assert review["kind"] == "intake_review"


async def test_llm_can_ask_again(run):
    llm = ScriptedChatModel(replies=[json.dumps({"understood": False, "reask": "Is that a name?"})])
    await run({"user": "demo"}, llm)
    q = await run(Command(resume="???"), llm)
    assert q["key"] == "name"
    assert q["error"].startswith("Is that a name?")


async def test_taken_name_sends_user_back_to_the_name_question(clock):
    class Taken:
        def __init__(self):
            self.calls = 0

        def save_account(self, spec, user):
            self.calls += 1
            if self.calls == 1:
                raise Conflict(f"account {spec.name!r} already exists for {user}")
            return {"account_id": 9, "name": spec.name}

    ports = Taken()
    graph = build_intake_graph().compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "taken"}}
    ctx = DeskContext(clock=clock, intake=ports)
    await graph.ainvoke({"user": "demo"}, cfg, context=ctx)
    for a in [*ANSWERS, "yes"]:
        out = await graph.ainvoke(Command(resume=a), cfg, context=ctx)
    q = out["__interrupt__"][0].value
    assert q["key"] == "name"
    assert "already exists" in q["error"]
    # every other answer is kept: one new name goes straight back to the review
    out = await graph.ainvoke(Command(resume="Retirement 2"), cfg, context=ctx)
    review = out["__interrupt__"][0].value
    assert review["kind"] == "intake_review"
    assert review["spec"]["name"] == "Retirement 2"
    done = await graph.ainvoke(Command(resume="yes"), cfg, context=ctx)
    assert done["result"] == {"account_id": 9, "name": "Retirement 2"}


async def test_invalid_value_fixed_once_returns_to_review(run):
    await _answer_all(run, [*ANSWERS[:3], "2 to 400 days", *ANSWERS[4:]])
    review = await run(Command(resume="2 to 20 days"))
    assert review["kind"] == "intake_review"
    assert review["spec"]["mandate"]["horizon_max_days"] == 20
