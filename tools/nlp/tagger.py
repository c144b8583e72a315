"""Own the Tagger contract (TagResult, Tagger) and the offline tagger: lexicon + linker + MiniLM."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from core.enums import EventType, Stance
from core.ports import Embedder
from tools.nlp.lexicon import (
    TYPE_IMPACT,
    TYPE_PRIOR,
    StanceCues,
    event_type_scores,
    stance_cues,
    stance_from_score,
)
from tools.nlp.linker import TickerLinker
from tools.nlp.prototypes import PROTOTYPES, StanceHead, load_stance_head

OFFLINE_VERSION = "offline-tagger-v1"
_PROTO_MIN_SIM = 0.5
_STANCE_THRESHOLD = 0.15  # chosen on the SemEval/FiQA train split (see docs/ingest.md)
_ROUTINE_SHRINK = 0.75


@dataclass(frozen=True, slots=True)
class TagResult:
    """What a tagger says about one text."""

    tickers: tuple[str, ...]
    entities: tuple[str, ...]
    event_type: EventType
    stance: Stance
    confidence: float  # 0..1
    rationale: str
    impact_score: float  # 0..1, how much this could move the linked stocks
    model_version: str
    features: dict[str, Any] = field(default_factory=dict, compare=False)


@runtime_checkable
class Tagger(Protocol):
    """Tag a headline (and optional body) with tickers, event type, stance and impact."""

    model_version: str

    def tag(self, title: str, body: str = "") -> TagResult: ...


@dataclass(frozen=True, slots=True)
class _TypeDecision:
    event_type: EventType
    confidence: float
    cue: str
    how: str  # "title-cue" | "prototype" | "body-cue" | "none"


class OfflineTagger:
    """Deterministic, network-free tagger.

    Event type: lexicon cues in the title, else cues in the body, else the nearest labelled
    prototype sentence when the embedder is semantic and the match is close. Stance: a logistic
    head on the embedding (when trained for this embedder) blended with lexicon word counts and
    the event type's prior; routine (OTHER) news needs stronger words to leave NEUTRAL.
    """

    def __init__(
        self, instruments: Iterable[Any] | TickerLinker, embedder: Embedder,
        stance_head: StanceHead | None = None, *, use_shipped_head: bool = True,
    ) -> None:
        self.linker = instruments if isinstance(instruments, TickerLinker) else TickerLinker(
            instruments)
        self.embedder = embedder
        head = stance_head or (load_stance_head() if use_shipped_head else None)
        self.head = head if head and head.embedder_version == embedder.model_version else None
        labels, texts = zip(*[(t, s) for t, ss in PROTOTYPES.items() for s in ss], strict=True)
        self._proto_labels: tuple[EventType, ...] = labels
        self._proto_vecs = embedder.embed(list(texts))
        self._semantic = bool(getattr(embedder, "semantic", True))
        self.model_version = f"{OFFLINE_VERSION}+{embedder.model_version}"[:50]

    def tag(self, title: str, body: str = "") -> TagResult:
        vec = self.embedder.embed([_join(title, body)[:2000]])[0]
        return self.tag_with_vector(title, body, vec)

    def tag_with_vector(self, title: str, body: str, vec: npt.NDArray[np.float32]) -> TagResult:
        """Tag using an embedding the caller already has (the pipeline embeds once for both)."""
        mentions = self.linker.mentions(_join(title, body))
        tickers = tuple(dict.fromkeys(m.symbol for m in mentions))
        entities = tuple(dict.fromkeys(m.surface for m in mentions))
        decision = self._event_type(title, body, vec)
        cues = stance_cues(_join(title, body[:1000]))
        stance, strength, p_head = self._stance(decision.event_type, cues, vec)
        confidence = round(min(0.95, 0.5 * decision.confidence + 0.5 * p_head), 3)
        impact = TYPE_IMPACT[decision.event_type] * (0.5 + 0.5 * strength) * confidence
        impact *= 1.0 if tickers else 0.6
        return TagResult(
            tickers=tickers, entities=entities, event_type=decision.event_type, stance=stance,
            confidence=confidence, rationale=_rationale(decision, stance, cues, tickers),
            impact_score=round(min(1.0, impact), 3), model_version=self.model_version,
            features={"type_how": decision.how, "lexicon_score": round(cues.score, 3)},
        )

    def _event_type(self, title: str, body: str, vec: npt.NDArray[np.float32]) -> _TypeDecision:
        title_scores = event_type_scores(title, "")
        if title_scores:
            etype, (score, cue) = max(title_scores.items(), key=lambda kv: kv[1][0])
            return _TypeDecision(etype, min(0.9, 0.55 + 0.1 * score), cue, "title-cue")
        body_scores = event_type_scores("", body)
        if body_scores:
            etype, (score, cue) = max(body_scores.items(), key=lambda kv: kv[1][0])
            return _TypeDecision(etype, min(0.7, 0.4 + 0.1 * score), cue, "body-cue")
        if self._semantic:
            sims = self._proto_vecs @ vec
            best = int(np.argmax(sims))
            if float(sims[best]) >= _PROTO_MIN_SIM:
                return _TypeDecision(self._proto_labels[best], float(sims[best]), "", "prototype")
        return _TypeDecision(EventType.OTHER, 0.4, "", "none")

    def _stance(
        self, etype: EventType, cues: StanceCues, vec: npt.NDArray[np.float32],
    ) -> tuple[Stance, float, float]:
        score = 0.6 * cues.score + 0.4 * TYPE_PRIOR[etype]
        p_max = 0.5 + 0.4 * min(1.0, abs(score))
        if self.head is not None:
            proba = self.head.proba(vec[None, :])[0]
            by = dict(zip(self.head.classes, proba, strict=True))
            head_score = float(by[Stance.BULLISH] - by[Stance.BEARISH])
            score = 0.6 * head_score + 0.4 * cues.score + 0.35 * TYPE_PRIOR[etype]
            p_max = float(proba.max())
        if etype is EventType.OTHER:
            score *= _ROUTINE_SHRINK  # routine news moves prices only when the words are strong
        stance = stance_from_score(score, _STANCE_THRESHOLD)
        return stance, min(1.0, abs(score)), p_max


def _join(title: str, body: str) -> str:
    return f"{title}\n{body}" if body else title


def _rationale(
    d: _TypeDecision, stance: Stance, cues: StanceCues, tickers: tuple[str, ...],
) -> str:
    why = {"title-cue": f"headline cue '{d.cue}'", "body-cue": f"body cue '{d.cue}'",
           "prototype": "closest labelled example", "none": "no type cue"}[d.how]
    words = ", ".join((cues.positive + cues.negative)[:4]) or "no stance words"
    who = ", ".join(tickers[:3]) or "no listed company"
    return f"{d.event_type.value} from {why}; {stance.value.lower()} ({words}). Links: {who}."
