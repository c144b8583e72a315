"""Own the note the treasurer writes beside a transfer or tranche proposal."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ProposalNote(BaseModel):
    """Words only: the amount, accounts and expiry come from the treasury service."""

    model_config = ConfigDict(extra="ignore")

    note: str = Field(max_length=600)
