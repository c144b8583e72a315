"""Own the judge's structured output. No quantity or price fields: the LLM only writes words."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class JudgeOutput(BaseModel):
    """What the judge says about one sized candidate."""

    model_config = ConfigDict(extra="forbid")

    thesis: str = Field(
        description="2-4 sentences: why this trade, now, for this account",
        min_length=20,
        max_length=1500,
    )
    evidence_links: list[str] = Field(
        description="URLs copied exactly from the input's evidence list that support the thesis",
        min_length=1,
        max_length=10,
    )
    risks: list[str] = Field(
        description="1-5 concrete things that would make the trade fail", min_length=1, max_length=5
    )
    confidence: float = Field(
        description="0.0-1.0: how likely the thesis plays out", ge=0.0, le=1.0
    )
    rationale: str = Field(
        description="one or two sentences linking the evidence to the verdict",
        min_length=10,
        max_length=800,
    )

    @field_validator("risks")
    @classmethod
    def _non_blank(cls, v: list[str]) -> list[str]:
        cleaned = [r.strip() for r in v if r and r.strip()]
        if not cleaned:
            raise ValueError("risks must name at least one risk")
        return cleaned
