"""Sign-in, what each page shows, and that a user sees only the accounts they may see."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from core.enums import OrderStatus
from store.db import transaction
from store.models import OrderRow, PositionRow, TradeCardRow
from tests.integration.web.conftest import DEMO_PASSWORD, Web, login_token


def test_sign_in_redirects_refuses_bad_attempts_and_follows_only_local_next(web: Web) -> None:
    resp = web.client.get("/cards", follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"] == "/login?next=%2Fcards"
    token = login_token(web.client)
    bad = web.client.post(
        "/login",
        data={"username": "demo", "password": "nope", "csrf_token": token},
        follow_redirects=False,
    )
    assert bad.status_code == 401
    assert "Wrong username or password" in bad.text
    no_csrf = web.client.post(
        "/login", data={"username": "demo", "password": "x"}, follow_redirects=False
    )
    assert no_csrf.status_code == 403
    assert web.client.get("/", follow_redirects=False).status_code == 303
    token = login_token(web.client)
    resp = web.client.post(
        "/login",
        data={
            "username": "demo",
            "password": DEMO_PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert resp.headers["location"] == "/"


def test_home_and_queue_show_only_visible_accounts_with_simulated_banner(web: Web) -> None:
    web.login()
    html = web.client.get("/").text
    assert 'id="simulated-banner"' in html
    for acc in web.demo_accounts:
        assert f'data-account="{acc}"' in html
    assert f'data-account="{web.other_account}"' not in html
    assert "1 pending" in html
    html = web.client.get("/cards").text
    assert f'id="card-{web.card_id}"' in html
    assert "Momentum with a fresh catalyst." in html
    assert "https://www.nseindia.com/x.pdf" in html
    assert "Liquidity (ADV floor)" in html
    assert f'action="/cards/{web.card_id}/decide"' in html


def test_strangers_cannot_open_each_others_pages(web: Web) -> None:
    web.login("other", "other-pass-for-tests")
    assert web.client.get(f"/cards/{web.card_id}").status_code == 403
    assert web.client.get(f"/accounts/{web.demo_accounts[0]}").status_code == 403
    assert web.client.get(f"/audit/cards/{web.card_id}").status_code == 403
    assert web.client.get(f"/positions?account={web.demo_accounts[0]}").status_code == 403
    assert web.client.get("/cards/424242").status_code == 404


def _open_position(web: Web) -> None:
    now = web.clock.now()
    with transaction(web.container.sessions) as s:
        s.add(
            OrderRow(
                trade_card_id=web.card_id,
                account_id=web.demo_accounts[0],
                client_order_id="c-entry",
                broker="paper",
                order_category="ENTRY",
                symbol="INFY",
                exchange="NSE",
                order_type="LIMIT",
                transaction_type="BUY",
                product="D",
                quantity=20,
                price=Decimal("1500"),
                status=OrderStatus.FILLED,
                filled_quantity=20,
                average_price=Decimal("1500"),
                placed_at=now,
            )
        )
        s.add(
            PositionRow(
                account_id=web.demo_accounts[0],
                trade_card_id=web.card_id,
                symbol="INFY",
                exchange="NSE",
                sector="IT",
                direction="LONG",
                quantity=20,
                average_entry_price=Decimal("1500"),
                current_price=Decimal("1512.5"),
                stop_loss=Decimal("1455"),
                take_profit=Decimal("1590"),
                trailing_stop_config={"gap_pct": 1.5},
                unrealized_pnl=Decimal("250"),
                opened_at=now - timedelta(hours=1),
            )
        )


def test_positions_poll_a_live_partial_and_account_page_shows_mandates(web: Web) -> None:
    web.login()
    _open_position(web)
    page = web.client.get("/positions").text
    assert 'hx-get="/positions/live"' in page
    live = web.client.get("/positions/live").text
    assert "INFY" in live
    assert "1,512.50" in live
    assert "gap_pct 1.5" in live
    assert "FILLED" in live
    html = web.client.get(f"/accounts/{web.demo_accounts[0]}").text
    assert 'id="mandates"' in html
    assert "RISK_MINIMIZED" in html
    assert 'id="exposure-chart"' in html
    assert "/assets/plotly.min.js" in html
    js = web.client.get("/assets/plotly.min.js")
    assert js.status_code == 200
    assert b"plotly" in js.content[:2000].lower()


def test_only_http_links_from_untrusted_sources_are_clickable(web: Web) -> None:
    with transaction(web.container.sessions) as s:
        card = s.get(TradeCardRow, web.card_id)
        assert card is not None
        card.evidence_links = [{"kind": "article", "url": "javascript:alert(1)", "title": "x"}]
    web.login()
    for path in (f"/cards/{web.card_id}", f"/audit/cards/{web.card_id}", "/cards"):
        html = web.client.get(path).text
        assert "javascript:alert" not in html
        assert 'href="#"' in html
