"""Own the playbook fields the allocator reads, and finding the playbook for a candidate."""

from __future__ import annotations

import importlib
from typing import Any, Protocol

from sqlalchemy.orm import Session

from core.pipeline import Candidate


class PlaybookLike(Protocol):
    """What the allocator reads from a playbook (tools.playbooks PlaybookView has these fields)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def priority_boost(self) -> float | None: ...
    @property
    def acceptable_gap_chase_percent(self) -> float | None: ...
    @property
    def sl_multiplier_override(self) -> float | None: ...
    @property
    def tp_multiplier_override(self) -> float | None: ...
    @property
    def pause_smallcap(self) -> bool | None: ...


def select_for(session: Session, c: Candidate) -> Any:
    """The active playbook for the candidate's event and regimes, if the playbook engine exists."""
    try:
        engine: Any = importlib.import_module("tools.playbooks.engine")
    except ImportError:
        return None
    return engine.select_playbook(session, c.event_type, c.regime_label, c.liquidity_regime,
                                  stance=c.stance)


def overrides(pb: Any) -> dict[str, Any]:
    """The playbook's non-empty tactical overrides, as stored on the card."""
    if pb is None:
        return {}
    keys = ("priority_boost", "acceptable_gap_chase_percent", "sl_multiplier_override",
            "tp_multiplier_override", "pause_smallcap", "pause_duration_hours",
            "rotate_exposure_sectors")
    out = {k: getattr(pb, k, None) for k in keys}
    out = {k: (list(v) if isinstance(v, tuple) else v) for k, v in out.items() if v is not None}
    out["playbook"] = getattr(pb, "name", None)
    return out
