"""Own the offline twin of the treasurer: a deterministic note explaining a proposal."""

from __future__ import annotations

from typing import Any

MODEL_VERSION = "treasurer-offline-v1"


def explain(proposal: dict[str, Any]) -> str:
    """Say what moves where, why, and what happens after approval."""
    amount = proposal.get("amount")
    reason = (proposal.get("reason") or "").strip()
    why = f" Reason: {reason}." if reason else ""
    if proposal.get("kind") == "TRANCHE_RELEASE":
        return (
            f"Release ₹{amount} of staged lump-sum money into account "
            f"{proposal.get('to_account_id')} so it can be deployed.{why}"
        )
    return (
        f"Lend ₹{amount} from account {proposal.get('from_account_id')} to account "
        f"{proposal.get('to_account_id')}; it is returned automatically when the funded "
        f"trade ends.{why}"
    )
