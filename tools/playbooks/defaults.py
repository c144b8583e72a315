"""Own the playbooks the desk ships with, seeded idempotently (user edits are never overwritten)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.clock import Clock
from store.audit import AuditLog
from store.repos.playbooks import PlaybookView, find_playbook
from tools.playbooks.service import PlaybookService

DEFAULT_PLAYBOOKS: dict[str, dict[str, Any]] = {
    # A buyback in a calm tape: the floor price anchors the stock; lean in, scale in, give room
    # for a wider target.
    "buyback-low-vol": {
        "event_type": "BUYBACK",
        "stance": "BULLISH",
        "regime_match": {"volatility": ["LOW_VOL", "MED_VOL"], "liquidity": ["HIGH", "MEDIUM"]},
        "priority_boost": 0.2,
        "acceptable_gap_chase_percent": 3.0,
        "sl_multiplier_override": 1.0,
        "tp_multiplier_override": 2.5,
        "tranche_plan": [
            {"percent": 60, "delay_minutes": 0, "trigger": "at open"},
            {"percent": 40, "delay_minutes": 30, "trigger": "after first 30 min"},
        ],
    },
    # An earnings miss in a nervous tape: do not chase, wider stop, smaller first tranche, and
    # keep away from small caps for a day while the sell-off spreads.
    "earnings-miss-high-vol": {
        "event_type": "EARNINGS",
        "stance": "BEARISH",
        "regime_match": {"volatility": ["HIGH_VOL"]},
        "priority_boost": -0.3,
        "acceptable_gap_chase_percent": 1.0,
        "sl_multiplier_override": 1.5,
        "tp_multiplier_override": 2.0,
        "tranche_plan": [{"percent": 50, "delay_minutes": 0}, {"percent": 50, "delay_minutes": 60}],
        "pause_smallcap": True,
        "pause_duration_hours": 24,
    },
    # An earnings beat in a calm or normal tape: modest boost, allow a small gap.
    "earnings-beat": {
        "event_type": "EARNINGS",
        "stance": "BULLISH",
        "regime_match": {"volatility": ["LOW_VOL", "MED_VOL"]},
        "priority_boost": 0.1,
        "acceptable_gap_chase_percent": 2.5,
        "tranche_plan": [{"percent": 50, "delay_minutes": 0}, {"percent": 50, "delay_minutes": 15}],
    },
    # A SEBI penalty / regulatory action: governance risk. Never chase, demote, tighter target,
    # and pause small caps in case it is a sector-wide crackdown.
    "sebi-penalty": {
        "event_type": "PENALTY",
        "regime_match": {},
        "priority_boost": -0.5,
        "acceptable_gap_chase_percent": 0.0,
        "sl_multiplier_override": 1.0,
        "tp_multiplier_override": 1.5,
        "pause_smallcap": True,
        "pause_duration_hours": 48,
    },
    # A policy / macro shock while volatility is high: rotate exposure to defensives.
    "policy-shock-high-vol": {
        "event_type": "POLICY",
        "regime_match": {"volatility": ["HIGH_VOL"]},
        "priority_boost": -0.2,
        "acceptable_gap_chase_percent": 1.0,
        "sl_multiplier_override": 1.5,
        "pause_smallcap": True,
        "pause_duration_hours": 24,
        "rotate_exposure_sectors": [
            "Fast Moving Consumer Goods",
            "Healthcare",
            "Information Technology",
        ],
    },
    # A large order win for a liquid name: small boost, scale in.
    "order-win-liquid": {
        "event_type": "ORDER_WIN",
        "stance": "BULLISH",
        "regime_match": {"liquidity": ["HIGH", "MEDIUM"]},
        "priority_boost": 0.1,
        "acceptable_gap_chase_percent": 2.0,
        "tranche_plan": [{"percent": 50, "delay_minutes": 0}, {"percent": 50, "delay_minutes": 30}],
    },
}


def ensure_default_playbooks(
    session: Session, audit: AuditLog, clock: Clock | None = None
) -> list[PlaybookView]:
    """Create the shipped playbooks that do not exist yet; return the ones created.

    Times come from `clock`, else from the audit log's own clock (one time source per caller).
    """
    service = PlaybookService(clock or audit._clock, audit)
    created = []
    for name, values in DEFAULT_PLAYBOOKS.items():
        if find_playbook(session, name) is None:
            created.append(service.put(session, name, values, user_id="system"))
    return created
