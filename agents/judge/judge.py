"""Own the judge as the allocator sees it: LLM first, retry once, then the offline twin; evidence
links are checked against the input and the verdict never carries numbers of its own."""

from __future__ import annotations

from typing import Any

from agents.judge.llm import PROMPT_VERSION, call_llm, structured
from agents.judge.offline import MODEL_VERSION as OFFLINE_VERSION
from agents.judge.offline import offline_output
from agents.judge.schema import JudgeOutput
from core.pipeline import EvidenceLink
from tools.alloc.judging import JudgeInput, JudgeVerdict

MAX_ATTEMPTS = 2  # the first call and one retry


def _links(out: JudgeOutput, inp: JudgeInput) -> tuple[tuple[EvidenceLink, ...], tuple[str, ...]]:
    by_url = {e.url: e for e in inp.evidence}
    kept = tuple(dict.fromkeys(by_url[u] for u in out.evidence_links if u in by_url))
    dropped = tuple(u for u in out.evidence_links if u not in by_url)
    return kept, dropped


def to_verdict(
    out: JudgeOutput,
    inp: JudgeInput,
    model_version: str,
    *,
    fallback: bool = False,
    notes: tuple[str, ...] = (),
) -> JudgeVerdict:
    """Adapt the schema to the tools' verdict; unknown links are dropped, none left → all input."""
    kept, dropped = _links(out, inp)
    if not kept:
        kept = inp.evidence
        notes = (*notes, "no cited link was in the input; using the input's links")
    return JudgeVerdict(
        thesis=out.thesis,
        risks=tuple(out.risks),
        evidence=kept,
        confidence=out.confidence,
        rationale=out.rationale,
        model_version=model_version,
        fallback_used=fallback,
        dropped_links=dropped,
        notes=notes,
    )


class JudgeAgent:
    """Callable judge: JudgeAgent(chat_model)(JudgeInput) -> JudgeVerdict; None → offline only."""

    def __init__(self, chat_model: Any | None = None, model_name: str | None = None) -> None:
        self._bound = structured(chat_model) if chat_model is not None else None
        name = model_name or str(getattr(chat_model, "model_name", "") or "llm")
        self.model_version = f"{PROMPT_VERSION}/{name}"[:50]

    def __call__(self, inp: JudgeInput) -> JudgeVerdict:
        if self._bound is None:
            return to_verdict(offline_output(inp), inp, OFFLINE_VERSION)
        errors: list[str] = []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                out = call_llm(self._bound, inp)
            except Exception as exc:  # any model failure: retry once, then go offline
                errors.append(f"attempt {attempt}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            return to_verdict(out, inp, self.model_version, notes=tuple(errors))
        return to_verdict(
            offline_output(inp),
            inp,
            f"{OFFLINE_VERSION}+fallback"[:50],
            fallback=True,
            notes=tuple(errors),
        )


def offline_judge() -> JudgeAgent:
    return JudgeAgent(None)
