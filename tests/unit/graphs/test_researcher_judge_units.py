"""Researcher and judge graphs with hand-written fake ports (no store): evidence, refusals, once."""

from __future__ import annotations

import json

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from core.errors import ValidationError
from graphs.checkpoint import checkpoint_target
from graphs.context import DeskContext
from graphs.judge import build_judge_graph
from graphs.researcher import build_researcher_graph, gather_pack
from tests.fakes.fake_chat import ScriptedChatModel

EVENT = {
    "id": 5,
    "title": "Infosys wins $1bn deal",
    "event_type": "ORDER_WIN",
    "source_url": "https://news.example/infy",
    "artifact_url": None,
    "symbols": ["INFY"],
    "tag": {"stance": "BULLISH"},
}


class Research:
    def event(self, event_id):
        return EVENT if event_id == 5 else None

    def recent_events(self, symbol, limit):
        return []

    def similar_events(self, event_id, limit):
        return [
            {
                "id": 1,
                "source_url": "https://news.example/old",
                "title": "old win",
                "return_5d_pct": 2.5,
            },
            {"id": 2, "source_url": None, "return_5d_pct": -1.0},
        ]

    def features(self, symbol):
        return {"rsi_14": 61.234, "regime_label": "MED_VOL"}

    def signals(self, symbol, limit):
        return [{"id": 9, "direction": "LONG", "strategy": "event_driven", "edge": 2.1}]


class Cards:
    def __init__(self):
        self.status, self.decisions, self.executed, self.ready = "PENDING", [], [], []

    def make_card(self, request, evidence):
        return {"card_id": 42, "status": "PENDING"}

    def approval_request(self, card_id):
        return {"kind": "trade_card", "object_id": card_id, "content_hash": "h" * 64}

    async def card_ready(self, card_id, thread_id):
        self.ready.append((card_id, thread_id))

    def decide(self, card_id, decision):
        self.decisions.append(decision)
        if decision.get("content_hash") != "h" * 64:
            return {"ok": False, "status": self.status, "message": "changed"}
        if self.status != "PENDING":
            return {"ok": False, "status": self.status, "message": "already decided"}
        self.status = "APPROVED" if decision["action"] != "reject" else "REJECTED"
        return {"ok": True, "status": self.status}

    async def execute(self, card_id):
        self.executed.append(card_id)
        return {"ok": True}


def test_pack_links_and_offline_summary(clock):
    pack = gather_pack(Research(), 5, None)
    assert pack.symbol == "INFY"
    urls = [link.url for link in pack.links]
    assert urls == [
        "https://news.example/infy",
        "https://news.example/old",
        "desk://signals/9",
        "desk://features/INFY",
    ]
    with pytest.raises(ValidationError):
        gather_pack(Research(), 404, None)
    with pytest.raises(ValidationError):
        gather_pack(Research(), None, None)


@pytest.mark.parametrize(
    ("replies", "version"),
    [
        ([json.dumps({"summary": "Strong order win."})], "researcher-llm-v1"),
        (["<<not json>>"], "researcher-offline-v1"),
        ([], "researcher-offline-v1"),
    ],
)
async def test_researcher_summary_llm_or_offline(clock, replies, version):
    llm = ScriptedChatModel(replies=replies) if replies else None
    graph = build_researcher_graph().compile()
    out = await graph.ainvoke(
        {"event_id": 5}, context=DeskContext(clock, research=Research(), llm=llm)
    )
    ev = out["evidence"]
    assert ev["model_version"] == version
    if version == "researcher-llm-v1":
        assert ev["summary"] == "Strong order win."
    else:
        assert "rose in 1 of 2 cases" in ev["summary"]


async def test_judge_refusal_reinterrupts_then_approves_once(clock):
    cards = Cards()
    graph = build_judge_graph().compile(checkpointer=InMemorySaver())
    ctx = DeskContext(clock, research=Research(), cards=cards)
    cfg = {"configurable": {"thread_id": "j1"}}
    out = await graph.ainvoke({"request": {"account_id": 1, "event_id": 5}}, cfg, context=ctx)
    assert out["__interrupt__"][0].value["object_id"] == 42
    assert cards.ready == [(42, "j1")]
    out = await graph.ainvoke(
        Command(resume={"action": "approve", "content_hash": "x"}), cfg, context=ctx
    )
    assert "__interrupt__" in out
    assert cards.executed == []
    out = await graph.ainvoke(
        Command(resume={"action": "approve", "content_hash": "h" * 64}), cfg, context=ctx
    )
    assert out["outcome"] == "executed"
    assert cards.executed == [42]
    assert cards.ready == [(42, "j1")]  # presenting is not repeated by a resume


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("postgresql+psycopg://u@h:5432/d", "postgresql://u@h:5432/d"),
        ("sqlite:///:memory:", ":memory:"),
    ],
)
def test_checkpoint_target(url, target):
    assert checkpoint_target(url) == target


def test_checkpoint_target_sqlite_file(tmp_path):
    got = checkpoint_target(f"sqlite:///{tmp_path}/desk.sqlite3")
    assert got == str(tmp_path / "desk.checkpoints.sqlite3")
    with pytest.raises(ValueError, match="mysql"):
        checkpoint_target("mysql://x/y")
