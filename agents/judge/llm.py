"""Own the LLM judge call: the versioned prompt, the input rendering and one structured call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.judge.schema import JudgeOutput
from core.canonical import canonical_json
from tools.alloc.judging import JudgeInput

PROMPT_VERSION = "judge_v1"
PROMPT_PATH = Path(__file__).resolve().parents[2] / "prompts" / f"{PROMPT_VERSION}.md"


def load_prompt() -> str:
    return PROMPT_PATH.read_text(encoding="utf-8")


def render_input(inp: JudgeInput) -> str:
    """The facts the model sees, as canonical JSON (numbers are the tools', not the model's)."""
    s, c = inp.sized, inp.sized.candidate
    body: dict[str, Any] = {
        "trade": {
            "symbol": c.symbol,
            "exchange": c.exchange,
            "direction": c.direction.value,
            "strategy": c.strategy,
            "quantity": s.quantity,
            "entry": s.entry_price,
            "entry_order_type": s.entry_order_type.value,
            "stop_loss": s.stop_loss,
            "take_profit": s.take_profit,
            "risk_inr": s.risk_amount,
            "reward_inr": s.reward_amount,
            "position_inr": s.position_size_inr,
            "horizon_days": c.horizon_days,
            "sizing_notes": list(s.sizing_notes),
        },
        "signal": {
            "edge_pct": c.edge_pct,
            "tp_probability": c.tp_probability,
            "sl_probability": c.sl_probability,
            "model_version": c.model_version,
        },
        "meta_label": inp.meta_label,
        "features": inp.features,
        "mandate": inp.mandate,
        "playbook": inp.playbook,
        "events": list(inp.events),
        "similar_events": [
            {
                "title": e.title,
                "url": e.url,
                "type": e.event_type,
                "similarity": round(e.similarity, 3),
                "return_5d_pct": e.return_5d_pct,
            }
            for e in inp.similar
        ],
        "guardrails": [
            {"name": g.name, "passed": g.passed, "hard": g.hard, "detail": g.detail}
            for g in inp.guardrails
        ],
        "evidence": [{"kind": e.kind, "url": e.url, "title": e.title} for e in inp.evidence],
    }
    return canonical_json(body)


def structured(chat_model: Any) -> Any:
    """Bind the chat model to the JudgeOutput schema (json_schema response format)."""
    return chat_model.with_structured_output(JudgeOutput)


def call_llm(bound: Any, inp: JudgeInput) -> JudgeOutput:
    """One call; raises on transport errors, timeouts and output that fails validation."""
    out = bound.invoke([("system", load_prompt()), ("human", render_input(inp))])
    if isinstance(out, JudgeOutput):
        return out
    return JudgeOutput.model_validate(out)
