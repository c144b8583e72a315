"""Approve / reject / reduce from the web: same rules as Telegram, and refusals change nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.enums import AuditCategory, CardStatus
from store.audit import entries_for
from store.db import transaction
from store.models import AuditLogRow, TradeCardRow
from tests.factories import make_candidate, make_card
from tests.integration.web.conftest import OTHER_PASSWORD, Web


def card_row(web: Web, card_id: int) -> TradeCardRow:
    with web.container.sessions() as s:
        row = s.get(TradeCardRow, card_id)
        assert row is not None
        return row


def approvals(web: Web) -> int:
    with web.container.sessions() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(AuditLogRow)
                .where(AuditLogRow.action_category == AuditCategory.APPROVAL.value)
            )
            or 0
        )


def decide(web: Web, card_id: int, **form: str) -> object:
    data = {"card_hash": card_row(web, card_id).card_hash or "", "csrf_token": web.csrf(), **form}
    return web.client.post(f"/cards/{card_id}/decide", data=data, follow_redirects=False)


def test_approve_records_decision_and_triggers_execution_once(web: Web) -> None:
    web.login()
    resp = decide(web, web.card_id, action="approve")
    assert resp.status_code == 303
    assert resp.headers["location"].startswith(f"/cards/{web.card_id}?done=APPROVED")
    row = card_row(web, web.card_id)
    assert (row.status, row.approved_quantity, row.decided_via) == ("APPROVED", 20, "web")
    assert web.orders.executed == [web.card_id]
    page = web.client.get(resp.headers["location"]).text
    assert "Card approved." in page
    assert "orders sent to the broker" in page
    again = decide(web, web.card_id, action="approve")  # once only
    assert again.status_code == 409
    assert web.orders.executed == [web.card_id]


def test_reduce_and_reject_with_reason(web: Web) -> None:
    web.login()
    assert decide(web, web.card_id, action="reduce", quantity="7").status_code == 303
    assert card_row(web, web.card_id).approved_quantity == 7
    with transaction(web.container.sessions) as s:
        second = make_card(
            s, web.clock, web.demo_accounts[0], candidate=make_candidate(web.clock, symbol="TCS")
        ).id
    assert decide(web, second, action="reject", reason="").status_code == 422
    assert card_row(web, second).status == CardStatus.PENDING
    assert decide(web, second, action="reject", reason="results tomorrow").status_code == 303
    row = card_row(web, second)
    assert (row.status, row.rejection_reason) == ("REJECTED", "results tomorrow")
    with web.container.sessions() as s:
        entries = entries_for(s, trade_card_id=second, action_type="CARD_REJECTED")
    assert entries[0].payload["reason"] == "results tomorrow"


CASES = [
    ("unknown card", 404),
    ("someone else's account", 403),
    ("missing CSRF token", 403),
    ("stale hash", 409),
    ("bad quantity", 422),
    ("expired card", 409),
]


def _attempt(web: Web, case: str) -> object:
    card_id = web.card_id
    if case == "unknown card":
        return web.client.post(
            "/cards/987654/decide",
            data={"action": "approve", "card_hash": "x", "csrf_token": web.csrf()},
        )
    if case == "missing CSRF token":
        return web.client.post(
            f"/cards/{card_id}/decide",
            data={"action": "approve", "card_hash": card_row(web, card_id).card_hash},
        )
    if case == "stale hash":
        return decide(web, card_id, action="approve", card_hash="0" * 64)
    if case == "bad quantity":
        return decide(web, card_id, action="reduce", quantity="twenty")
    if case == "expired card":
        web.clock.advance(timedelta(hours=2).total_seconds())
    return decide(web, card_id, action="approve")


def test_queue_offers_no_buttons_for_an_expired_card(web: Web) -> None:
    web.login()
    assert f'action="/cards/{web.card_id}/decide"' in web.client.get("/cards").text
    web.clock.advance(timedelta(hours=2).total_seconds())
    html = web.client.get("/cards").text
    assert f'action="/cards/{web.card_id}/decide"' not in html
    assert "can no longer be approved" in html


def test_bad_requests_get_clear_errors_and_change_nothing(web: Web) -> None:
    for case, status in CASES:
        if case == "someone else's account":
            web.login("other", OTHER_PASSWORD)
        else:
            web.login()
        before = approvals(web)
        resp = _attempt(web, case)
        assert resp.status_code == status, (case, resp.text)  # type: ignore[attr-defined]
        assert 'id="error-message"' in resp.text, case  # type: ignore[attr-defined]
        assert card_row(web, web.card_id).status == CardStatus.PENDING, case
        assert approvals(web) == before, case
        assert web.orders.executed == [], case
