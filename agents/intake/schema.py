"""Own the structured output the intake LLM must return for one answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class IntakeLLMOutput(BaseModel):
    """The LLM restates an answer in the canonical form the offline parser reads (words only:
    the parser, not the model, turns them into numbers)."""

    model_config = ConfigDict(extra="ignore")

    understood: bool
    canonical: str = Field("", max_length=300)
    assumptions: list[str] = Field(default_factory=list, max_length=10)
    reask: str = Field("", max_length=300)
