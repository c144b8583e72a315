"""The judge graph over the real store: approval interrupt, refusals, once-only, execution."""

from __future__ import annotations

import dataclasses

import pytest

from core.canonical import to_jsonable
from store.db import transaction
from store.models import SignalRow
from tests.factories import make_candidate, make_card
from tools.treasury.schedule import TreasuryScheduler


def _card(desk, clock, account=0, **over):
    with transaction(desk.db.sessions) as s:
        return make_card(s, clock, desk.accounts[account], **over)


async def test_card_waits_for_approval_with_typed_payload(desk, clock):
    card = _card(desk, clock)
    out = await desk.facade.review_card(card.id)
    payload = out["__interrupt__"][0].value
    assert payload["kind"] == "trade_card"
    assert payload["object_id"] == card.id
    assert payload["content_hash"] == card.card_hash
    assert payload["allowed_actions"] == ["approve", "reject", "reduce"]
    assert desk.facade.thread_for("judge", card.id) == f"card:{card.id}"
    assert desk.executed == []


async def test_approve_resumes_thread_and_executes_once(desk, clock):
    card = _card(desk, clock)
    await desk.facade.review_card(card.id)
    demo = desk.facade.principal_for("demo")
    res = await desk.facade.decide_card(demo, card.id, "approve", card.card_hash, via="telegram")
    assert res["ok"]
    assert res["status"] == "APPROVED"
    assert res["execution"]["ok"]
    again = await desk.facade.decide_card(demo, card.id, "approve", card.card_hash)
    assert not again["ok"]
    assert "already APPROVED" in again["message"]
    assert desk.executed == [card.id]


async def test_forged_hash_changes_nothing_and_keeps_waiting(desk, clock):
    card = _card(desk, clock)
    await desk.facade.review_card(card.id)
    demo = desk.facade.principal_for("demo")
    res = await desk.facade.decide_card(demo, card.id, "approve", "0" * 64)
    assert not res["ok"]
    assert res["status"] == "PENDING"
    assert await desk.facade._pending("judge", f"card:{card.id}") is not None
    ok = await desk.facade.decide_card(demo, card.id, "reduce", card.card_hash, quantity=5)
    assert ok["status"] == "APPROVED"
    assert desk.facade.card(demo, card.id)["approved_quantity"] == 5


async def test_viewer_cannot_approve(desk, clock):
    card = _card(desk, clock)
    await desk.facade.review_card(card.id)
    viewer = desk.facade.principal_for("viewer")
    res = await desk.facade.decide_card(viewer, card.id, "approve", card.card_hash)
    assert not res["ok"]
    assert res["error"] == "AccessDenied"
    assert desk.executed == []


async def test_reject_needs_reason_then_stores_it(desk, clock):
    card = _card(desk, clock)
    await desk.facade.review_card(card.id)
    demo = desk.facade.principal_for("demo")
    res = await desk.facade.decide_card(demo, card.id, "reject", card.card_hash)
    assert not res["ok"]
    res = await desk.facade.decide_card(
        demo, card.id, "reject", card.card_hash, reason="results next week"
    )
    assert res["status"] == "REJECTED"
    assert desk.facade.card(demo, card.id)["rejection_reason"] == "results next week"
    assert desk.executed == []


async def test_expired_card_is_refused(desk, clock):
    card = _card(desk, clock)
    await desk.facade.review_card(card.id)
    clock.advance(minutes=61)
    demo = desk.facade.principal_for("demo")
    res = await desk.facade.decide_card(demo, card.id, "approve", card.card_hash)
    assert not res["ok"]
    assert "expired" in res["message"]
    assert desk.executed == []


async def test_card_without_thread_is_decided_directly(desk, clock):
    card = _card(desk, clock)
    demo = desk.facade.principal_for("demo")
    res = await desk.facade.decide_card(demo, card.id, "approve", card.card_hash)
    assert res["status"] == "APPROVED"
    assert desk.executed == [card.id]


@pytest.mark.parametrize("made", [{"card_id": None, "status": "SKIPPED", "reason": "no edge"}])
async def test_judge_without_card_ends_without_interrupt(desk, clock, made):
    desk.facade.card_maker = lambda request, evidence: made
    out = await desk.facade.run_judge(
        "judge:t1", {"account_id": desk.accounts[0], "symbol": "INFY"}
    )
    assert "__interrupt__" not in out
    assert out["outcome"] == "no card: no edge"
    assert out["evidence"]["symbol"] == "INFY"


async def test_candidate_goes_research_judge_card_approval_execute(desk, clock):
    with transaction(desk.db.sessions) as s:
        TreasuryScheduler(clock, desk.facade.audit).run(s)
        s.add(
            SignalRow(
                id=77,
                symbol="INFY",
                exchange="NSE",
                strategy="momentum",
                direction="LONG",
                status="ACTIVE",
                generated_at=clock.now(),
            )
        )
    cand = to_jsonable(dataclasses.asdict(make_candidate(clock, signal_id=77)))
    out = await desk.facade.run_judge(
        "judge:77:0", {"account_id": desk.accounts[0], "symbol": "INFY", "candidate": cand}
    )
    assert "__interrupt__" in out, out.get("outcome")
    req = out["__interrupt__"][0].value
    demo = desk.facade.principal_for("demo")
    card = desk.facade.card(demo, req["object_id"])
    assert card["status"] == "PENDING"
    assert "offline" in card["model_version"]
    assert any(link["url"] == "desk://signals/77" for link in card["evidence_links"])
    assert desk.facade.thread_for("judge", card["id"]) == "judge:77:0"
    res = await desk.facade.decide_card(demo, card["id"], "approve", req["content_hash"])
    assert res["status"] == "APPROVED"
    assert desk.executed == [card["id"]]


async def test_sweep_starts_each_waiting_approval_once(desk, clock):
    a = _card(desk, clock)
    b = _card(desk, clock)
    await desk.facade.review_card(a.id)
    with transaction(desk.db.sessions) as s:
        late = make_card(s, clock, desk.accounts[0])
    clock.advance(minutes=61)  # `late` and the others expire; a fresh card arrives after
    with transaction(desk.db.sessions) as s:
        fresh = make_card(s, clock, desk.accounts[0])
    sent = []

    async def sink(card):
        sent.append(card["id"])

    desk.facade.card_sinks.append(sink)
    assert await desk.facade.sweep_pending() == {"cards": 1, "proposals": 0}
    assert sent == [fresh.id]
    assert await desk.facade.sweep_pending() == {"cards": 0, "proposals": 0}
    assert desk.facade.thread_for("judge", b.id) is None
    assert late.id not in sent
