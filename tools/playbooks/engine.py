"""Own playbook selection and application: pick the most specific active playbook for an event
type × regime (× stance), and apply its overrides to a candidate's sizing inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from store.repos.playbooks import PlaybookView, list_playbooks
from tools.playbooks.service import ANY_EVENT

__all__ = [
    "Overrides",
    "PlaybookView",
    "apply_overrides",
    "matches",
    "select_playbook",
    "smallcap_pause_until",
]


def matches(
    pb: PlaybookView,
    event_type: str | None,
    vol_regime: str | None,
    liquidity_regime: str | None,
    stance: str | None = None,
) -> bool:
    """True when every condition the playbook sets holds; an unknown input fails a condition."""
    if pb.event_type != ANY_EVENT and pb.event_type != event_type:
        return False
    if pb.stance is not None and pb.stance != stance:
        return False
    vols = pb.regime_match.get("volatility")
    if vols and vol_regime not in vols:
        return False
    liqs = pb.regime_match.get("liquidity")
    return not (liqs and liquidity_regime not in liqs)


def _specificity(pb: PlaybookView) -> tuple[int, int]:
    score = (4 if pb.event_type != ANY_EVENT else 0) + (2 if pb.stance else 0)
    score += sum(1 for k in ("volatility", "liquidity") if pb.regime_match.get(k))
    return score, -pb.id


def select_playbook(
    session: Session,
    event_type: str | None,
    vol_regime: str | None,
    liquidity_regime: str | None,
    stance: str | None = None,
) -> PlaybookView | None:
    """The most specific active playbook that matches (exact event type beats the `*` wildcard,
    then a stance condition, then regime conditions; ties go to the oldest). None if none match."""
    found = [
        pb
        for pb in list_playbooks(session, active_only=True)
        if matches(pb, event_type, vol_regime, liquidity_regime, stance)
    ]
    return max(found, key=_specificity) if found else None


@dataclass(frozen=True, slots=True)
class Overrides:
    """Sizing inputs after a playbook (or none) has been applied."""

    sl_multiplier: float
    tp_multiplier: float
    priority: float
    max_gap_chase_pct: float
    tranche_plan: tuple[dict[str, Any], ...]
    rotate_exposure_sectors: tuple[str, ...] = ()
    playbook_id: int | None = None
    playbook_version: int | None = None
    applied: dict[str, Any] = field(default_factory=dict)

    def gap_chase_ok(self, gap_pct: float, direction_sign: int = 1) -> bool:
        """False when the price has already run more than the playbook lets us chase."""
        return gap_pct * direction_sign <= self.max_gap_chase_pct


def apply_overrides(
    pb: PlaybookView | None,
    *,
    sl_multiplier: float,
    tp_multiplier: float,
    priority: float,
    max_gap_chase_pct: float,
    tranche_plan: tuple[dict[str, Any], ...] = (),
) -> Overrides:
    """Mandate defaults in, playbook-adjusted values out (`applied` lists what changed)."""
    if pb is None:
        return Overrides(sl_multiplier, tp_multiplier, priority, max_gap_chase_pct, tranche_plan)
    applied: dict[str, Any] = {}
    sl = pb.sl_multiplier_override if pb.sl_multiplier_override is not None else sl_multiplier
    tp = pb.tp_multiplier_override if pb.tp_multiplier_override is not None else tp_multiplier
    gap = (
        pb.acceptable_gap_chase_percent
        if pb.acceptable_gap_chase_percent is not None
        else max_gap_chase_pct
    )
    boost = pb.priority_boost or 0.0
    tranches = pb.tranche_plan or tranche_plan
    for key, old, new in (
        ("sl_multiplier", sl_multiplier, sl),
        ("tp_multiplier", tp_multiplier, tp),
        ("max_gap_chase_pct", max_gap_chase_pct, gap),
        ("priority", priority, priority + boost),
    ):
        if new != old:
            applied[key] = {"from": old, "to": new}
    if tranches != tranche_plan:
        applied["tranche_plan"] = list(tranches)
    if pb.rotate_exposure_sectors:
        applied["rotate_exposure_sectors"] = list(pb.rotate_exposure_sectors)
    return Overrides(
        sl,
        tp,
        priority + boost,
        gap,
        tuple(tranches),
        pb.rotate_exposure_sectors,
        pb.id,
        pb.version,
        applied,
    )


def smallcap_pause_until(pb: PlaybookView | None, at: datetime) -> datetime | None:
    """When a playbook pauses small caps, until when (None if it does not)."""
    if pb is None or not pb.pause_smallcap or not pb.pause_duration_hours:
        return None
    return at + timedelta(hours=pb.pause_duration_hours)
