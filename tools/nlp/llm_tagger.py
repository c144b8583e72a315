"""Own the LLM tagger: structured output from an OpenAI-compatible model, offline fallback."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from core.enums import EventType, Stance
from tools.nlp.tagger import OfflineTagger, TagResult

PROMPT_PATH = Path(__file__).resolve().parents[2] / "prompts" / "tagger_v1.md"
LLM_VERSION = "llm-tagger-v1"
_log = logging.getLogger(__name__)


class LLMTag(BaseModel):
    """The structured answer the model must give (validated by pydantic)."""

    event_type: EventType
    stance: Stance
    confidence: float = Field(ge=0.0, le=1.0)
    impact_score: float = Field(ge=0.0, le=1.0)
    rationale: str = Field(min_length=1, max_length=600)
    companies: list[str] = Field(default_factory=list)


class LLMTagger:
    """Tag with a chat model; on timeout, HTTP error or invalid output use the offline tagger.

    Tickers always come from the offline linker (plus names the model returns that the linker
    resolves): the model may describe, it never invents symbols. `model_version` of each result
    says which path produced it.
    """

    def __init__(self, chat_model: Any, fallback: OfflineTagger, model_name: str = "") -> None:
        self._fallback = fallback
        self._structured = chat_model.with_structured_output(LLMTag)
        self._prompt = PROMPT_PATH.read_text(encoding="utf-8")
        name = model_name or str(getattr(chat_model, "model_name", "") or "model")
        self.model_version = f"{LLM_VERSION}:{name}"[:50]

    def tag(self, title: str, body: str = "") -> TagResult:
        offline = self._fallback.tag(title, body)
        prompt = self._prompt.format(candidates=", ".join(offline.tickers) or "none",
                                     title=title[:500], body=body[:3000] or "(none)")
        try:
            answer = self._structured.invoke(prompt)
            parsed = answer if isinstance(answer, LLMTag) else LLMTag.model_validate(answer)
        except Exception as exc:  # timeouts, 5xx, refusals, invalid JSON: all mean fallback
            return self._degraded(offline, exc)
        linked = list(offline.tickers)
        for company in parsed.companies:
            linked.extend(s for s in self._fallback.linker.link(company) if s not in linked)
        return TagResult(
            tickers=tuple(linked), entities=tuple(dict.fromkeys(
                [*offline.entities, *parsed.companies])),
            event_type=parsed.event_type, stance=parsed.stance,
            confidence=round(parsed.confidence, 3), rationale=parsed.rationale.strip(),
            impact_score=round(parsed.impact_score, 3), model_version=self.model_version,
        )

    def _degraded(self, offline: TagResult, exc: BaseException) -> TagResult:
        _log.warning("LLM tagger failed (%s); using the offline tagger", type(exc).__name__)
        version = f"{offline.model_version}|fallback:{type(exc).__name__}"[:50]
        return TagResult(
            tickers=offline.tickers, entities=offline.entities, event_type=offline.event_type,
            stance=offline.stance, confidence=offline.confidence, rationale=offline.rationale,
            impact_score=offline.impact_score, model_version=version, features=offline.features,
        )
