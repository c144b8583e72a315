"""Own trade-card rows: creation (PENDING or BLOCKED), the content hash, reads and status moves."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.canonical import canonical_json, sha256_hex, to_jsonable
from core.clock import Clock, to_ist
from core.enums import AuditCategory, CardStatus
from core.errors import InvalidTransition, NotFound, ValidationError
from core.pipeline import ApprovalRequest, GuardrailResult, SizedCandidate
from store.audit import AuditLog
from store.models import TradeCardRow

GUARDRAIL_COLUMNS = {
    "liquidity": "liquidity_check",
    "risk_cap": "position_size_check",
    "exposure": "exposure_check",
    "banned_window": "event_window_check",
    "regime": "regime_check",
    "catalyst_fresh": "catalyst_freshness_check",
    "overbought": "overbought_check",
}
# Card lifecycle after the human decision; the decision itself lives in tools.cards.approval.
CARD_TRANSITIONS: dict[CardStatus, set[CardStatus]] = {
    CardStatus.PENDING: {CardStatus.APPROVED, CardStatus.REJECTED, CardStatus.EXPIRED},
    CardStatus.BLOCKED: set(),
    CardStatus.APPROVED: {CardStatus.EXECUTED, CardStatus.REJECTED, CardStatus.CLOSED},
    CardStatus.EXECUTED: {CardStatus.FILLED, CardStatus.CLOSED},
    CardStatus.FILLED: {CardStatus.CLOSED},
    CardStatus.REJECTED: set(),
    CardStatus.EXPIRED: set(),
    CardStatus.CLOSED: set(),
}
_HASHED = (
    "id", "account_id", "symbol", "exchange", "direction", "entry_price", "entry_order_type",
    "quantity", "stop_loss", "take_profit", "trailing_stop_config", "tranche_config", "strategy",
    "thesis", "risks", "evidence_links", "confidence", "edge", "horizon_days", "risk_amount",
    "reward_amount", "risk_reward_ratio", "risk_warnings", "expires_at", "liquidity_check",
    "position_size_check", "exposure_check", "event_window_check", "regime_check",
    "catalyst_freshness_check", "overbought_check",
)


@dataclass(frozen=True, slots=True)
class CardView:
    id: int
    account_id: int
    signal_id: int | None
    symbol: str
    exchange: str | None
    direction: str | None
    entry_price: Decimal
    entry_order_type: str | None
    quantity: int
    position_size_rupees: Decimal | None
    stop_loss: Decimal
    take_profit: Decimal
    trailing_stop_config: dict[str, Any] | None
    tranche_config: list[Any] | None
    strategy: str | None
    thesis: str | None
    evidence_links: list[Any] | None
    confidence: float | None
    edge: float | None
    horizon_days: int | None
    risk_amount: Decimal | None
    reward_amount: Decimal | None
    risk_reward_ratio: float | None
    risks: str | None
    liquidity_check: bool | None
    position_size_check: bool | None
    exposure_check: bool | None
    event_window_check: bool | None
    regime_check: bool | None
    catalyst_freshness_check: bool | None
    overbought_check: bool | None
    risk_warnings: list[Any] | None
    playbook_id: int | None
    playbook_overrides: dict[str, Any] | None
    status: str | None
    priority: int | None
    model_version: str | None
    judge_rationale: str | None
    card_hash: str | None
    meta_label_id: int | None
    event_id: int | None
    created_at: datetime | None
    expires_at: datetime | None
    approved_at: datetime | None
    rejected_at: datetime | None
    executed_at: datetime | None
    closed_at: datetime | None
    approved_by: str | None
    approved_quantity: int | None
    rejection_reason: str | None
    decided_via: str | None

    @property
    def effective_quantity(self) -> int:
        """The quantity to trade: what the approver allowed, else what the card proposed."""
        return self.approved_quantity or self.quantity


_VIEW_FIELDS = tuple(f.name for f in fields(CardView))


def card_view(row: TradeCardRow) -> CardView:
    return CardView(**{name: getattr(row, name) for name in _VIEW_FIELDS})


def compute_card_hash(row: TradeCardRow | CardView) -> str:
    """SHA-256 of exactly what the approver sees; any change to it changes the hash."""
    return sha256_hex(canonical_json(to_jsonable({k: getattr(row, k) for k in _HASHED})))


def _apply_guardrails(row: TradeCardRow, guardrails: Iterable[GuardrailResult]) -> bool:
    """Set the check columns and warnings; return True when a hard check failed."""
    warnings: list[dict[str, Any]] = []
    blocked = False
    for g in guardrails:
        column = GUARDRAIL_COLUMNS.get(g.name)
        if column is None:
            raise ValidationError(f"unknown guardrail {g.name!r}", field="guardrails")
        setattr(row, column, g.passed)
        if not g.passed:
            warnings.append({"check": g.name, "hard": g.hard, "detail": g.detail})
            blocked = blocked or g.hard
    row.risk_warnings = warnings
    return blocked


def create_card(
    session: Session, audit: AuditLog, clock: Clock, *, sized: SizedCandidate, thesis: str,
    risks: list[str], evidence_links: list[dict[str, str]], confidence: float,
    judge_rationale: str, model_version: str, guardrails: list[GuardrailResult],
    ttl_minutes: int = 60, priority: int = 50,
) -> CardView:
    """Write a PENDING card (BLOCKED if a hard guardrail failed) with its hash, audited."""
    links = [dict(link) for link in evidence_links if link.get("url")]
    if not links:
        raise ValidationError("a card needs at least one source link", field="evidence_links")
    if sized.quantity <= 0:
        raise ValidationError("quantity must be positive", field="quantity")
    c, now = sized.candidate, clock.now()
    row = TradeCardRow(
        account_id=sized.account_id, signal_id=c.signal_id, symbol=c.symbol, exchange=c.exchange,
        direction=c.direction.value, entry_price=sized.entry_price,
        entry_order_type=sized.entry_order_type.value, quantity=sized.quantity,
        position_size_rupees=sized.position_size_inr, stop_loss=sized.stop_loss,
        take_profit=sized.take_profit, trailing_stop_config=to_jsonable(sized.trailing_stop),
        tranche_config=to_jsonable(list(sized.tranche_plan)), strategy=c.strategy, thesis=thesis,
        evidence_links=links, confidence=confidence, edge=c.edge_pct,
        horizon_days=c.horizon_days, risk_amount=sized.risk_amount,
        reward_amount=sized.reward_amount,
        risk_reward_ratio=float(sized.reward_amount / sized.risk_amount)
        if sized.risk_amount else None,
        risks="\n".join(risks), playbook_id=sized.playbook_id,
        playbook_overrides=to_jsonable(sized.playbook_overrides), priority=priority,
        model_version=model_version, judge_rationale=judge_rationale,
        meta_label_id=c.meta_label_id, event_id=c.event_id, created_at=now,
        expires_at=min(now + timedelta(minutes=ttl_minutes), c.expires_at),
    )
    blocked = _apply_guardrails(row, guardrails)
    row.status = (CardStatus.BLOCKED if blocked else CardStatus.PENDING).value
    session.add(row)
    session.flush()
    row.card_hash = compute_card_hash(row)
    session.flush()
    audit.append(session, "CARD_CREATED", {"card": card_view(row), "sizing_notes":
                                           list(sized.sizing_notes)},
                 category=AuditCategory.JUDGE, account_id=row.account_id, trade_card_id=row.id,
                 signal_id=c.signal_id, event_id=c.event_id, model_version=model_version,
                 artifact_links=[link["url"] for link in links])
    return card_view(row)


def get_card(session: Session, card_id: int) -> CardView:
    row = session.get(TradeCardRow, card_id)
    if row is None:
        raise NotFound(f"card {card_id} does not exist")
    return card_view(row)


def list_cards(
    session: Session, account_ids: Iterable[int] | None = None, status: str | None = None,
    limit: int = 100,
) -> list[CardView]:
    """Newest first; restricted to account_ids when given (pass the caller's visible accounts)."""
    stmt = select(TradeCardRow).order_by(TradeCardRow.priority.desc(), TradeCardRow.id.desc())
    if account_ids is not None:
        stmt = stmt.where(TradeCardRow.account_id.in_(list(account_ids)))
    if status is not None:
        stmt = stmt.where(TradeCardRow.status == status)
    return [card_view(r) for r in session.scalars(stmt.limit(limit))]


def card_summary(card: CardView) -> str:
    """One phone-sized paragraph: what, how many, where the stop and target are, until when."""
    exp = to_ist(card.expires_at).strftime("%H:%M IST") if card.expires_at else "-"
    return (f"{card.direction} {card.quantity} {card.symbol} @ {card.entry_price} "
            f"({card.entry_order_type}); SL {card.stop_loss}, TP {card.take_profit}; "
            f"risk ₹{card.risk_amount}, reward ₹{card.reward_amount}; {card.strategy}; "
            f"expires {exp}")


def approval_request(card: CardView) -> ApprovalRequest:
    if card.card_hash is None or card.expires_at is None:
        raise ValidationError("card has no hash or expiry", field="card")
    return ApprovalRequest(kind="trade_card", object_id=card.id, account_id=card.account_id,
                           content_hash=card.card_hash, expires_at=card.expires_at,
                           allowed_actions=("approve", "reject", "reduce"),
                           summary=card_summary(card))


def move_card(
    session: Session, audit: AuditLog, clock: Clock, card_id: int, to: CardStatus,
    reason: str | None = None, **extra: Any,
) -> CardView:
    """Move a card along the lifecycle (APPROVED → EXECUTED → FILLED → CLOSED), audited."""
    row = session.get(TradeCardRow, card_id, with_for_update=True)
    if row is None:
        raise NotFound(f"card {card_id} does not exist")
    current = CardStatus(row.status or CardStatus.PENDING)
    if to == current:
        return card_view(row)
    if to not in CARD_TRANSITIONS[current]:
        raise InvalidTransition(f"card {card_id}: {current} → {to} is not allowed")
    row.status = to.value
    now = clock.now()
    if to == CardStatus.EXECUTED:
        row.executed_at = now
    elif to == CardStatus.CLOSED:
        row.closed_at = now
    for key, value in extra.items():
        setattr(row, key, value)
    session.flush()
    audit.append(session, f"CARD_{to.value}", {"from": current.value, "reason": reason, **extra},
                 category=AuditCategory.EXECUTION, account_id=row.account_id, trade_card_id=card_id)
    return card_view(row)
