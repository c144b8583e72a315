"""Own the objects that flow between pipeline stages: candidates, sized candidates, guardrails,
approval requests. Stages hand these over; the store keeps the corresponding rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.enums import Direction, OrderType


@dataclass(frozen=True, slots=True)
class EvidenceLink:
    """A source a human can open: a filing PDF, an article, a feature snapshot, a signal."""

    kind: str  # event | filing | article | feature | signal | meta_label | backtest
    url: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored opportunity from the signal stage (signal + meta-label), before any account."""

    signal_id: int
    symbol: str
    exchange: str
    direction: Direction
    strategy: str
    edge_pct: float  # expected move, percent
    tp_probability: float
    sl_probability: float
    quality_score: float  # meta-label quality 0..1
    is_trustworthy: bool
    horizon_days: int
    ref_price: Decimal  # last close / live price the levels are computed from
    atr: float  # ATR(14) in rupees
    volatility_pct: float  # annualised realised volatility, percent
    adv_inr: float  # average daily traded value, rupees
    sector: str | None
    generated_at: datetime
    expires_at: datetime
    meta_label_id: int | None = None
    regime_label: str | None = None
    liquidity_regime: str | None = None
    rsi_14: float | None = None
    event_id: int | None = None
    event_type: str | None = None
    stance: str | None = None
    event_timestamp: datetime | None = None
    feature_snapshot_id: int | None = None
    thesis_bullets: tuple[str, ...] = ()
    evidence: tuple[EvidenceLink, ...] = ()
    model_version: str = ""


@dataclass(frozen=True, slots=True)
class GuardrailResult:
    """One guardrail check; a failing hard check blocks the card, a soft one becomes a warning."""

    # liquidity | banned_window | risk_cap | exposure | regime | overbought | catalyst_fresh
    name: str
    passed: bool
    hard: bool
    detail: str


@dataclass(frozen=True, slots=True)
class SizedCandidate:
    """A candidate sized and bracketed for one account by the allocator."""

    candidate: Candidate
    account_id: int
    quantity: int
    entry_price: Decimal
    entry_order_type: OrderType
    stop_loss: Decimal
    take_profit: Decimal
    risk_amount: Decimal
    reward_amount: Decimal
    position_size_inr: Decimal
    rank_score: float
    trailing_stop: dict[str, Any] | None = None
    tranche_plan: tuple[dict[str, Any], ...] = ()
    playbook_id: int | None = None
    playbook_overrides: dict[str, Any] = field(default_factory=dict)
    sizing_notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DroppedCandidate:
    """A candidate the allocator did not size for an account, and why (kept for the audit)."""

    signal_id: int
    account_id: int
    symbol: str
    reason: str


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    """The typed payload of an approval interrupt (card or transfer proposal)."""

    kind: str  # "trade_card" | "transfer"
    object_id: int
    account_id: int
    content_hash: str
    expires_at: datetime
    allowed_actions: tuple[str, ...]  # approve | reject | reduce
    summary: str


@dataclass(frozen=True, slots=True)
class ApprovalDecision:
    """What a human decided about an ApprovalRequest."""

    action: str  # approve | reject | reduce
    decided_by: str
    content_hash: str
    reason: str | None = None
    quantity: int | None = None
    via: str = "cli"  # cli | web | telegram
