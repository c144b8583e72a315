"""The LLM judge against the loopback fake OpenAI server: valid, invalid JSON, errors, timeout."""

from __future__ import annotations

import json

from langchain_openai import ChatOpenAI

from agents.judge.judge import JudgeAgent
from agents.judge.offline import MODEL_VERSION
from tests.fakes.openai_server import FakeOpenAIServer, FakeReply
from tests.unit.judge.test_judge_offline import judge_input

GOOD = {
    "thesis": "TCS won a large order; momentum and a fresh catalyst support a 5-day move up.",
    "evidence_links": ["https://news.example/TCS", "https://invented.example/rumour"],
    "risks": ["Order value may already be priced in."],
    "confidence": 0.62,
    "rationale": "Quality 0.7 and a fresh order win, tempered by RSI.",
}


def _chat(srv: FakeOpenAIServer, timeout: float = 2.0) -> ChatOpenAI:
    return ChatOpenAI(base_url=srv.base_url, api_key="k", model="fake-judge", timeout=timeout,
                      max_retries=0)


def test_valid_output_is_used_and_unknown_links_dropped():
    with FakeOpenAIServer() as srv:
        srv.script(json.dumps(GOOD))
        v = JudgeAgent(_chat(srv))(judge_input())
        body = srv.requests[0]
    assert v.thesis == GOOD["thesis"]
    assert v.model_version == "judge_v1/fake-judge"
    assert [e.url for e in v.evidence] == ["https://news.example/TCS"]
    assert v.dropped_links == ("https://invented.example/rumour",)
    assert body["response_format"]["type"] == "json_schema"
    user = json.loads(body["messages"][1]["content"])
    assert user["trade"]["quantity"] > 0  # the model sees the numbers, cannot change them
    assert "quantity" not in json.dumps(body["response_format"])


def test_invalid_json_is_retried_once():
    with FakeOpenAIServer() as srv:
        srv.script("not json at all", json.dumps(GOOD))
        v = JudgeAgent(_chat(srv))(judge_input())
        assert len(srv.requests) == 2
    assert not v.fallback_used
    assert v.notes


def test_invalid_twice_falls_back_offline():
    bad = dict(GOOD, confidence=7.0)  # out of range: fails validation
    with FakeOpenAIServer() as srv:
        srv.script("{oops", json.dumps(bad))
        v = JudgeAgent(_chat(srv))(judge_input())
        assert len(srv.requests) == 2
    assert v.fallback_used
    assert v.model_version.startswith(MODEL_VERSION)


def test_timeout_and_server_error_fall_back():
    with FakeOpenAIServer() as srv:
        srv.script(FakeReply(content=json.dumps(GOOD), delay_s=1.0), FakeReply(status=500))
        v = JudgeAgent(_chat(srv, timeout=0.3))(judge_input())
    assert v.fallback_used
    assert "Timeout" in v.notes[0]
    assert len(v.notes) == 2
