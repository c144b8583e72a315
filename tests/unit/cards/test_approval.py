from __future__ import annotations

import pytest

from core.errors import AccessDenied, Conflict, NotFound, ValidationError
from core.pipeline import ApprovalDecision, GuardrailResult
from store.audit import AuditLog, entries_for, verify_chain
from store.db import transaction
from tests.factories import ALL_PASS, make_card
from tools.accounts import access
from tools.accounts.demo import ensure_demo_accounts
from tools.cards.approval import ApprovalService
from tools.cards.service import approval_request, compute_card_hash, get_card, list_cards


@pytest.fixture
def setup(db, clock):
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        accounts = ensure_demo_accounts(s, audit, clock)
        demo = access.user_by_username(s, "demo")
        other = access.ensure_user(s, audit, clock, "other")
        card = make_card(s, clock, accounts[0].id)
    return db, audit, demo, other, card


def _decide(db, clock, audit, card_id, decision, user_id):
    with transaction(db.sessions) as s:
        return ApprovalService(clock, audit).decide(s, card_id, decision, user_id)


def test_card_is_pending_with_hash_and_link(setup):
    _, _, _, _, card = setup
    assert card.status == "PENDING"
    assert card.card_hash == compute_card_hash(card)
    assert card.evidence_links
    req = approval_request(card)
    assert req.allowed_actions == ("approve", "reject", "reduce")


def test_approve_once_then_conflict(setup, clock):
    db, audit, demo, _, card = setup
    d = ApprovalDecision("approve", "demo", card.card_hash, via="cli")
    out = _decide(db, clock, audit, card.id, d, demo.id)
    assert out.status == "APPROVED"
    assert out.approved_quantity == card.quantity
    with pytest.raises(Conflict, match="already APPROVED"):
        _decide(db, clock, audit, card.id, d, demo.id)
    with db.sessions() as s:
        kinds = [e.action_type for e in entries_for(s, trade_card_id=card.id)]
        assert kinds.count("CARD_APPROVED") == 1
        assert verify_chain(s).ok


def test_unauthorised_user_changes_nothing(setup, clock):
    db, audit, _, other, card = setup
    with pytest.raises(AccessDenied):
        _decide(db, clock, audit, card.id,
                ApprovalDecision("approve", "other", card.card_hash), other.id)
    with db.sessions() as s:
        assert get_card(s, card.id).status == "PENDING"


def test_stale_hash_refused(setup, clock):
    db, audit, demo, _, card = setup
    with pytest.raises(Conflict, match="changed"):
        _decide(db, clock, audit, card.id, ApprovalDecision("approve", "demo", "0" * 64), demo.id)


def test_expired_card_refused_and_swept(setup, clock):
    db, audit, demo, _, card = setup
    clock.advance(minutes=61)
    with pytest.raises(Conflict, match="expired"):
        _decide(db, clock, audit, card.id, ApprovalDecision("approve", "demo", card.card_hash),
                demo.id)
    with transaction(db.sessions) as s:
        assert ApprovalService(clock, audit).expire_due(s) == [card.id]
    with db.sessions() as s:
        assert get_card(s, card.id).status == "EXPIRED"


def test_reject_needs_reason(setup, clock):
    db, audit, demo, _, card = setup
    with pytest.raises(ValidationError, match="reason"):
        _decide(db, clock, audit, card.id, ApprovalDecision("reject", "demo", card.card_hash),
                demo.id)
    out = _decide(db, clock, audit, card.id,
                  ApprovalDecision("reject", "demo", card.card_hash, reason="too extended"),
                  demo.id)
    assert out.status == "REJECTED"
    assert out.rejection_reason == "too extended"


@pytest.mark.parametrize("qty", [0, 20, 25])
def test_reduce_only_down(setup, clock, qty):
    db, audit, demo, _, card = setup
    with pytest.raises(ValidationError, match="quantity"):
        _decide(db, clock, audit, card.id,
                ApprovalDecision("reduce", "demo", card.card_hash, quantity=qty), demo.id)


def test_reduce_approves_smaller_size(setup, clock):
    db, audit, demo, _, card = setup
    out = _decide(db, clock, audit, card.id,
                  ApprovalDecision("reduce", "demo", card.card_hash, quantity=5), demo.id)
    assert (out.status, out.approved_quantity, out.effective_quantity) == ("APPROVED", 5, 5)


def test_unknown_card(setup, clock):
    db, audit, demo, _, _ = setup
    with pytest.raises(NotFound):
        _decide(db, clock, audit, 999, ApprovalDecision("approve", "demo", "x"), demo.id)


def test_hard_guardrail_blocks(db, clock):
    audit = AuditLog(clock)
    failing = [*ALL_PASS[:-1],
               GuardrailResult("catalyst_fresh", False, True, "event is 3 days old")]
    with transaction(db.sessions) as s:
        acc = ensure_demo_accounts(s, audit, clock)[0]
        card = make_card(s, clock, acc.id, guardrails=failing)
        demo = access.user_by_username(s, "demo")
    assert card.status == "BLOCKED"
    assert card.catalyst_freshness_check is False
    with pytest.raises(Conflict):
        _decide(db, clock, audit, card.id, ApprovalDecision("approve", "demo", card.card_hash),
                demo.id)
    with db.sessions() as s:
        assert [c.id for c in list_cards(s, [acc.id], status="PENDING")] == []


def test_soft_guardrail_becomes_warning(db, clock):
    audit = AuditLog(clock)
    soft = [*ALL_PASS[:-1], GuardrailResult("overbought", False, False, "RSI 74")]
    with transaction(db.sessions) as s:
        acc = ensure_demo_accounts(s, audit, clock)[0]
        card = make_card(s, clock, acc.id, guardrails=soft)
    assert card.status == "PENDING"
    assert card.risk_warnings == [{"check": "overbought", "hard": False, "detail": "RSI 74"}]


def test_card_without_links_refused(db, clock):
    from tests.factories import make_sized
    from tools.cards.service import create_card
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        acc = ensure_demo_accounts(s, audit, clock)[0]
        with pytest.raises(ValidationError, match="source link"):
            create_card(s, audit, clock, sized=make_sized(clock, acc.id), thesis="t", risks=[],
                        evidence_links=[], confidence=0.5, judge_rationale="r",
                        model_version="m", guardrails=ALL_PASS)
