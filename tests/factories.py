"""Builders of realistic pipeline objects for tests (candidates, sized candidates, cards)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from core.clock import Clock
from core.enums import Direction, OrderType
from core.pipeline import Candidate, EvidenceLink, GuardrailResult, SizedCandidate
from store.audit import AuditLog
from tools.cards.service import CardView, create_card

ALL_PASS = [
    GuardrailResult(n, True, True, "ok")
    for n in (
        "liquidity",
        "banned_window",
        "risk_cap",
        "exposure",
        "regime",
        "overbought",
        "catalyst_fresh",
    )
]


def make_candidate(clock: Clock, **over: Any) -> Candidate:
    now = clock.now()
    base: dict[str, Any] = {
        "signal_id": None,
        "symbol": "INFY",
        "exchange": "NSE",
        "direction": Direction.LONG,
        "strategy": "momentum",
        "edge_pct": 2.4,
        "tp_probability": 0.58,
        "sl_probability": 0.30,
        "quality_score": 0.74,
        "is_trustworthy": True,
        "horizon_days": 5,
        "ref_price": Decimal("1500.00"),
        "atr": 30.0,
        "volatility_pct": 24.0,
        "adv_inr": 8.0e9,
        "sector": "Information Technology",
        "generated_at": now,
        "expires_at": now + timedelta(days=1),
        "regime_label": "MED_VOL",
        "liquidity_regime": "HIGH",
        "rsi_14": 58.0,
        "evidence": (EvidenceLink("event", "https://www.nseindia.com/x.pdf", "Filing"),),
    }
    base.update(over)
    return Candidate(**base)


def make_sized(clock: Clock, account_id: int, **over: Any) -> SizedCandidate:
    cand = over.pop("candidate", None) or make_candidate(clock)
    base: dict[str, Any] = {
        "candidate": cand,
        "account_id": account_id,
        "quantity": 20,
        "entry_price": Decimal("1500.00"),
        "entry_order_type": OrderType.LIMIT,
        "stop_loss": Decimal("1455.00"),
        "take_profit": Decimal("1590.00"),
        "risk_amount": Decimal("900.00"),
        "reward_amount": Decimal("1800.00"),
        "position_size_inr": Decimal("30000.00"),
        "rank_score": 1.0,
    }
    base.update(over)
    return SizedCandidate(**base)


def make_card(session, clock: Clock, account_id: int, guardrails=None, **over: Any) -> CardView:
    audit = AuditLog(clock)
    return create_card(
        session,
        audit,
        clock,
        sized=make_sized(clock, account_id, **over),
        thesis="Momentum with a fresh catalyst.",
        risks=["Gap risk at open"],
        evidence_links=[
            {"kind": "event", "url": "https://www.nseindia.com/x.pdf", "title": "Filing"}
        ],
        confidence=0.7,
        judge_rationale="offline judge",
        model_version="offline-judge-v1",
        guardrails=guardrails if guardrails is not None else ALL_PASS,
        ttl_minutes=60,
    )
