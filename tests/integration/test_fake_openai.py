from __future__ import annotations

import json

import pytest
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from tests.fakes.openai_server import FakeOpenAIServer, FakeReply


class Verdict(BaseModel):
    stance: str
    confidence: float


def test_structured_output_round_trip():
    with FakeOpenAIServer() as srv:
        srv.script(json.dumps({"stance": "BULLISH", "confidence": 0.8}))
        llm = ChatOpenAI(base_url=srv.base_url, api_key="test-key", model="m", max_retries=0)
        out = llm.with_structured_output(Verdict).invoke("headline")
        assert out == Verdict(stance="BULLISH", confidence=0.8)
        assert srv.requests[0]["response_format"]["type"] == "json_schema"


def test_server_error_surfaces():
    with FakeOpenAIServer() as srv:
        srv.script(FakeReply(status=500, content="boom"))
        llm = ChatOpenAI(base_url=srv.base_url, api_key="k", model="m", max_retries=0)
        with pytest.raises(Exception, match="boom"):
            llm.invoke("x")
