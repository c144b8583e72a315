"""Own the LLM path of the treasurer: a plainer note for a proposal, falling back offline."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from agents.treasurer.offline import MODEL_VERSION, explain
from agents.treasurer.schema import ProposalNote

PROMPT_PATH = Path(__file__).resolve().parents[2] / "prompts" / "treasurer_v1.md"
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.S)


async def note_for(llm: Any, proposal: dict[str, Any]) -> tuple[str, str]:
    """Return (note, model_version); the offline note when no model or the model fails."""
    if llm is None:
        return explain(proposal), MODEL_VERSION
    try:
        reply = await llm.ainvoke(
            [
                ("system", PROMPT_PATH.read_text(encoding="utf-8")),
                ("user", json.dumps(proposal, default=str)),
            ]
        )
        text = _FENCE.sub("", str(getattr(reply, "content", reply)).strip())
        return ProposalNote.model_validate_json(text).note, "treasurer-llm-v1"
    except Exception:  # a failed model call must never block a money decision
        return explain(proposal), MODEL_VERSION
