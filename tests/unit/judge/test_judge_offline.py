"""Offline judge: deterministic, no network; link validation and retry-then-fallback with stubs."""

from __future__ import annotations

import socket

import pytest

from agents.judge.judge import JudgeAgent, to_verdict
from agents.judge.offline import MODEL_VERSION, offline_output
from agents.judge.schema import JudgeOutput
from core.pipeline import EvidenceLink, GuardrailResult
from tests.unit.alloc.factories import NOW, book, candidate, mandate
from tools.alloc.allocator import allocate
from tools.alloc.blackout import BlackoutCalendar
from tools.alloc.judging import JudgeInput, SimilarEvent


def judge_input(**kw) -> JudgeInput:
    s = allocate([candidate(**kw)], mandate(), book(), {}, BlackoutCalendar(), NOW).sized[0]
    return JudgeInput(
        sized=s, mandate={"objective": "BALANCED"},
        guardrails=(GuardrailResult("overbought", False, False, "RSI 80"),
                    GuardrailResult("liquidity", True, True, "ok")),
        evidence=(EvidenceLink("article", "https://news.example/TCS", "TCS wins order"),
                  EvidenceLink("signal", "desk://signals/1", "signal")),
        events=({"title": "TCS wins ₹4,000 crore order", "url": "https://news.example/TCS"},),
        similar=(SimilarEvent("Infosys order win", "https://x.example/1", "ORDER_WIN", 0.8,
                              -2.5),))


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("the offline judge must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_offline_is_deterministic_and_offline(no_network):
    inp = judge_input()
    a, b = JudgeAgent(None)(inp), JudgeAgent(None)(inp)
    assert a == b
    assert a.model_version == MODEL_VERSION
    assert not a.fallback_used
    assert {e.url for e in a.evidence} == inp.allowed_urls
    assert any(r.startswith("overbought") for r in a.risks)
    assert any("-2.5%" in r for r in a.risks)
    assert "TCS wins" in a.thesis
    assert 0 <= a.confidence <= 1


def test_schema_has_no_numbers_the_llm_could_change():
    fields = set(JudgeOutput.model_fields)
    assert fields == {"thesis", "evidence_links", "risks", "confidence", "rationale"}
    with pytest.raises(ValueError, match="extra"):
        JudgeOutput.model_validate({**offline_output(judge_input()).model_dump(), "quantity": 5})


def test_links_outside_the_input_are_dropped_and_recorded():
    inp = judge_input()
    out = offline_output(inp).model_copy(update={"evidence_links": [
        "https://news.example/TCS", "https://made-up.example/x"]})
    v = to_verdict(out, inp, "m")
    assert [e.url for e in v.evidence] == ["https://news.example/TCS"]
    assert v.dropped_links == ("https://made-up.example/x",)
    only_fake = out.model_copy(update={"evidence_links": ["https://made-up.example/x"]})
    v2 = to_verdict(only_fake, inp, "m")
    assert {e.url for e in v2.evidence} == inp.allowed_urls
    assert v2.notes


class _Bound:
    def __init__(self, replies):
        self.replies = list(replies)
        self.calls = 0

    def invoke(self, messages):
        self.calls += 1
        r = self.replies.pop(0)
        if isinstance(r, Exception):
            raise r
        return r


class _Chat:
    model_name = "stub"

    def __init__(self, bound):
        self.bound = bound

    def with_structured_output(self, schema):
        return self.bound


def test_retry_once_then_fallback_with_stubbed_model():
    inp = judge_input()
    good = offline_output(inp).model_copy(update={"thesis": "A model-written thesis, long enough."})
    bound = _Bound([TimeoutError("slow"), good])
    v = JudgeAgent(_Chat(bound))(inp)
    assert bound.calls == 2
    assert v.thesis.startswith("A model-written")
    assert v.model_version == "judge_v1/stub"
    assert "TimeoutError" in v.notes[0]
    bound = _Bound([ValueError("bad json"), ValueError("bad again")])
    v = JudgeAgent(_Chat(bound))(inp)
    assert bound.calls == 2
    assert v.fallback_used
    assert v.model_version.startswith(MODEL_VERSION)
    assert len(v.notes) == 2
