"""Own the judge hand-over: what the judge is shown (JudgeInput) and what it says (JudgeVerdict).
Plain dataclasses so tools never import agents; agents.judge adapts them to its pydantic schema."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.pipeline import EvidenceLink, GuardrailResult, SizedCandidate


@dataclass(frozen=True, slots=True)
class SimilarEvent:
    """A past event like the trigger, with what the stock did next."""

    title: str
    url: str
    event_type: str | None
    similarity: float
    return_5d_pct: float | None


@dataclass(frozen=True, slots=True)
class JudgeInput:
    sized: SizedCandidate
    mandate: dict[str, Any]  # objective, risk cap, horizon, summary …
    guardrails: tuple[GuardrailResult, ...]
    evidence: tuple[EvidenceLink, ...]  # the only links the judge may cite
    features: dict[str, Any] = field(default_factory=dict)
    meta_label: dict[str, Any] = field(default_factory=dict)
    events: tuple[dict[str, Any], ...] = ()  # triggering event(s): title, url, type, time
    similar: tuple[SimilarEvent, ...] = ()
    playbook: dict[str, Any] | None = None

    @property
    def allowed_urls(self) -> frozenset[str]:
        return frozenset(link.url for link in self.evidence)


@dataclass(frozen=True, slots=True)
class JudgeVerdict:
    thesis: str
    risks: tuple[str, ...]
    evidence: tuple[EvidenceLink, ...]
    confidence: float
    rationale: str
    model_version: str
    fallback_used: bool = False
    dropped_links: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


Judge = Callable[[JudgeInput], JudgeVerdict]
