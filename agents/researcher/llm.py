"""Own the LLM path of the researcher: a prose summary of the pack, falling back offline."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from agents.researcher.offline import summarise
from agents.researcher.schema import EvidencePack, ResearchSummary

PROMPT_PATH = Path(__file__).resolve().parents[2] / "prompts" / "researcher_v1.md"
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.S)


async def summarise_with_llm(llm: Any, pack: EvidencePack) -> tuple[str, str]:
    """Return (summary, model_version); any model failure gives the offline summary instead."""
    body = pack.model_dump(mode="json", exclude={"summary", "model_version", "links"})
    try:
        reply = await llm.ainvoke(
            [
                ("system", PROMPT_PATH.read_text(encoding="utf-8")),
                ("user", json.dumps(body, default=str)),
            ]
        )
        text = _FENCE.sub("", str(getattr(reply, "content", reply)).strip())
        return ResearchSummary.model_validate_json(text).summary, "researcher-llm-v1"
    except Exception:  # the desk keeps working without the model; the offline twin answers
        return summarise(pack), "researcher-offline-v1"
