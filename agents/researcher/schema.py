"""Own the evidence pack the researcher hands to the judge (pydantic at the boundary)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Link(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str
    url: str
    title: str = ""


class EvidencePack(BaseModel):
    """Everything known about an event or symbol, each item traceable to a link."""

    model_config = ConfigDict(extra="forbid")

    subject: str
    symbol: str | None = None
    event: dict[str, Any] | None = None
    features: dict[str, Any] | None = None
    signals: list[dict[str, Any]] = Field(default_factory=list)
    similar: list[dict[str, Any]] = Field(default_factory=list)
    recent: list[dict[str, Any]] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    summary: str = ""
    model_version: str = ""


class ResearchSummary(BaseModel):
    """What the LLM may write: words about the evidence, never new numbers or links."""

    model_config = ConfigDict(extra="ignore")

    summary: str = Field(max_length=1200)
