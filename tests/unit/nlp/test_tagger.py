"""The offline tagger's decisions and the LLM tagger's structured output and fallbacks."""

from __future__ import annotations

import json

import pytest
from langchain_openai import ChatOpenAI

from core.enums import EventType, Stance
from tests.fakes.openai_server import FakeOpenAIServer, FakeReply
from tools.nlp.llm_tagger import LLMTagger
from tools.nlp.tagger import OfflineTagger, Tagger, TagResult


@pytest.fixture
def offline(linker, hashing):
    return OfflineTagger(linker, hashing)


@pytest.mark.parametrize(("title", "etype", "stance"), [
    ("TCS board approves buyback of shares at a premium", EventType.BUYBACK, Stance.BULLISH),
    ("SEBI imposes penalty on Alok Industries for disclosure lapses", EventType.PENALTY,
     Stance.BEARISH),
    ("L&T bags mega order worth Rs 5,000 crore", EventType.ORDER_WIN, Stance.BULLISH),
    ("Infosys Q3 net profit falls 10%, misses estimates", EventType.EARNINGS, Stance.BEARISH),
    ("HDFC Bank deputy MD resigns", EventType.MANAGEMENT_CHANGE, Stance.BEARISH),
    ("RBI keeps repo rate unchanged", EventType.POLICY, Stance.NEUTRAL),
    ("Alok Industries: Copy of Newspaper Publication", EventType.OTHER, Stance.NEUTRAL),
])
def test_offline_tagger_types_and_stances(offline, title, etype, stance):
    r = offline.tag(title)
    assert isinstance(offline, Tagger)
    assert (r.event_type, r.stance) == (etype, stance)
    assert 0.0 <= r.confidence <= 1.0
    assert 0.0 <= r.impact_score <= 1.0
    assert r.rationale
    assert r.model_version.startswith("offline-tagger-v1+hashing")


def test_offline_tagger_links_and_scores_impact(offline):
    linked = offline.tag("TCS board approves buyback", "Tata Consultancy Services said")
    unlinked = offline.tag("Board approves buyback")
    assert linked.tickers == ("TCS",)
    assert "Tata Consultancy Services" in linked.entities
    assert linked.impact_score > unlinked.impact_score > 0


def test_body_cue_used_when_title_has_none(offline):
    r = offline.tag("Alok Industries: General Updates", "update on the buyback of equity shares")
    assert r.event_type is EventType.BUYBACK
    assert r.features["type_how"] == "body-cue"


def test_negation_flips_stance_words(offline):
    r = offline.tag("Infosys Q3 results fail to impress; no growth in revenue")
    assert r.stance is Stance.BEARISH


GOOD = json.dumps({"event_type": "BUYBACK", "stance": "BULLISH", "confidence": 0.9,
                   "impact_score": 0.8, "rationale": "Board approved a buyback at a premium.",
                   "companies": ["Infosys"]})


def _llm(srv, offline, **kw):
    chat = ChatOpenAI(base_url=srv.base_url, api_key="k", model="m", max_retries=0, **kw)
    return LLMTagger(chat, fallback=offline)


def test_llm_tagger_uses_structured_output(offline):
    with FakeOpenAIServer() as srv:
        srv.script(GOOD)
        r = _llm(srv, offline).tag("TCS approves buyback", "")
        sent = srv.requests[0]
    assert isinstance(r, TagResult)
    assert (r.event_type, r.stance, r.confidence) == (EventType.BUYBACK, Stance.BULLISH, 0.9)
    assert r.tickers == ("TCS", "INFY")  # linker's symbol first, the model's company resolved
    assert r.model_version == "llm-tagger-v1:m"
    assert sent["response_format"]["type"] == "json_schema"
    assert "TCS approves buyback" in json.dumps(sent["messages"])


@pytest.mark.parametrize("reply", [
    FakeReply(status=500, content="boom"),
    FakeReply(content='{"event_type": "NOT_A_TYPE", "stance": "BULLISH"}'),
    FakeReply(content="this is not json"),
])
def test_llm_tagger_falls_back_to_offline(offline, reply):
    with FakeOpenAIServer() as srv:
        srv.script(reply)
        r = _llm(srv, offline).tag("SEBI imposes penalty on Alok Industries")
    assert r.event_type is EventType.PENALTY
    assert r.tickers == ("ALOKINDS",)
    assert r.model_version.startswith("offline-tagger-v1")
    assert "|fallback:" in r.model_version


def test_llm_tagger_times_out_to_offline(offline):
    with FakeOpenAIServer() as srv:
        srv.script(FakeReply(content=GOOD, delay_s=1.0))
        r = _llm(srv, offline, timeout=0.2).tag("TCS approves buyback")
    assert "|fallback:" in r.model_version
    assert r.event_type is EventType.BUYBACK
