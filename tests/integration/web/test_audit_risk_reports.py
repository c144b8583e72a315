"""Audit timeline and chain verification, manual kill/reset, and report generation/download."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from store.audit import entries_for
from store.db import transaction
from store.models import (
    EventRow,
    FeatureRow,
    KillSwitchRow,
    MetaLabelRow,
    ReportRow,
    SignalRow,
    TradeCardRow,
)
from tests.integration.web.conftest import OTHER_PASSWORD, Web


def test_audit_timeline_shows_each_step_with_its_hash_and_verifies(web: Web) -> None:
    web.login()
    with web.container.sessions() as s:
        card_hash = s.get(TradeCardRow, web.card_id).card_hash  # type: ignore[union-attr]
    web.client.post(
        f"/cards/{web.card_id}/decide",
        data={"action": "approve", "card_hash": card_hash, "csrf_token": web.csrf()},
    )
    html = web.client.get(f"/audit/cards/{web.card_id}").text
    assert 'id="timeline"' in html
    assert "offline judge" in html
    with web.container.sessions() as s:
        created, approved = entries_for(s, trade_card_id=web.card_id)[:2]
    assert (created.action_type, approved.action_type) == ("CARD_CREATED", "CARD_APPROVED")
    assert f"recorded as audit seq {created.seq} · CARD_CREATED" in html
    assert f"recorded as audit seq {approved.seq} · CARD_APPROVED" in html
    assert html.count(approved.row_hash) >= 2  # its step and its place in the chain
    ok = web.client.post("/audit/verify", headers={"x-csrf-token": web.csrf()})
    assert ok.status_code == 200
    assert "Chain verified" in ok.text
    refused = web.client.post("/audit/verify")
    assert refused.status_code == 403


def test_manual_kill_needs_confirmation_rights_and_reset_works(web: Web) -> None:
    web.login()
    acc = str(web.demo_accounts[0])
    unconfirmed = web.client.post(
        "/risk/kill", data={"account": acc, "reason": "news", "csrf_token": web.csrf()}
    )
    assert unconfirmed.status_code == 422
    with web.container.sessions() as s:
        assert s.scalar(select(func.count()).select_from(KillSwitchRow)) == 0
    done = web.client.post(
        "/risk/kill",
        data={"account": acc, "reason": "news", "confirm": "yes", "csrf_token": web.csrf()},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with web.container.sessions() as s:
        switch = s.scalars(select(KillSwitchRow)).one()
    assert (switch.is_triggered, switch.account_id) == (True, web.demo_accounts[0])
    page = web.client.get("/risk").text
    assert "TRIGGERED" in page
    assert "news" in page
    assert "MANUAL" in web.client.get("/").text
    reset = web.client.post(
        f"/risk/switches/{switch.id}/reset",
        data={"confirm": "yes", "csrf_token": web.csrf()},
        follow_redirects=False,
    )
    assert reset.status_code == 303
    with web.container.sessions() as s:
        assert s.get(KillSwitchRow, switch.id).is_triggered is False  # type: ignore[union-attr]
        before = s.scalar(select(func.count()).select_from(KillSwitchRow))
    portfolio = web.client.post(
        "/risk/kill",
        data={"account": "", "reason": "x", "confirm": "yes", "csrf_token": web.csrf()},
    )
    assert portfolio.status_code == 403
    web.login("other", OTHER_PASSWORD)
    theirs = web.client.post(
        "/risk/kill",
        data={
            "account": str(web.demo_accounts[0]),
            "reason": "x",
            "confirm": "yes",
            "csrf_token": web.csrf(),
        },
    )
    assert theirs.status_code == 403
    with web.container.sessions() as s:
        assert s.scalar(select(func.count()).select_from(KillSwitchRow)) == before


def test_reports_generate_download_and_refuse_bad_input(web: Web) -> None:
    web.login()
    day = web.clock.now().date().isoformat()
    resp = web.client.post(
        "/reports/generate",
        data={
            "kind": "eod",
            "day": day,
            "account": str(web.demo_accounts[0]),
            "csrf_token": web.csrf(),
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303
    page = web.client.get(resp.headers["location"]).text
    assert "SIMULATED" in page
    assert "End-of-day report" in page
    report_id = int(resp.headers["location"].rsplit("/", 1)[1])
    pdf = web.client.get(f"/reports/{report_id}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    md = web.client.get(f"/reports/{report_id}.md")
    assert md.text.startswith("# End-of-day report")
    assert f'data-report="{report_id}"' in web.client.get("/reports").text
    web.login("other", OTHER_PASSWORD)
    assert web.client.get(f"/reports/{report_id}.pdf").status_code == 403
    assert web.client.get(f"/reports/{report_id}").status_code == 403
    web.login()
    acc = str(web.demo_accounts[0])
    cases = [
        ({"kind": "weekly", "day": "2025-12-16", "account": acc}, 422),
        ({"kind": "eod", "day": "16/12/2025", "account": acc}, 422),
        ({"kind": "eod", "day": date(2030, 1, 1).isoformat(), "account": acc}, 422),
        ({"kind": "eod", "day": "2025-12-16", "account": str(web.other_account)}, 403),
        ({"kind": "eod", "day": "2025-12-16", "account": acc, "csrf_token": "forged"}, 403),
    ]
    for form, status in cases:
        data = {"csrf_token": web.csrf(), **form}
        assert web.client.post("/reports/generate", data=data).status_code == status, form
    with web.container.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReportRow)) == 1


def test_timeline_of_a_card_from_an_event_shows_event_features_signal_and_meta(web: Web) -> None:
    now = web.clock.now()
    audit = web.container.audit
    with transaction(web.container.sessions) as s:
        event = EventRow(
            source="NSE_FILING",
            source_url="https://www.nseindia.com/ann/1",
            artifact_url="https://nsearchives.nseindia.com/x.pdf",
            title="Infosys board approves buyback",
            event_type="BUYBACK",
            priority="HIGH",
            symbols=["INFY"],
            event_timestamp=now,
        )
        s.add(event)
        s.flush()
        audit.append(
            s, "EVENT_INGESTED", {"title": event.title}, category="INGESTION", event_id=event.id
        )
        feature = FeatureRow(
            symbol="INFY",
            exchange="NSE",
            timestamp=now,
            close=1500.0,
            rsi_14=61.25,
            momentum_5d=2.5,
            regime_label="MED_VOL",
        )
        s.add(feature)
        s.flush()
        signal = SignalRow(
            symbol="INFY",
            exchange="NSE",
            strategy="event_driven",
            direction="LONG",
            edge=3.2,
            confidence=0.66,
            tp_probability=0.6,
            sl_probability=0.3,
            thesis_bullets=["buyback at a premium"],
            model_version="lgbm-test",
            feature_snapshot_id=feature.id,
            event_id=event.id,
            generated_at=now,
            status="ACTIVE",
        )
        s.add(signal)
        s.flush()
        meta = MetaLabelRow(
            signal_id=signal.id,
            is_trustworthy=True,
            quality_score=0.71,
            rationale="liquid, regime fits",
            model_version="meta-test",
        )
        s.add(meta)
        s.flush()
        audit.append(
            s,
            "SIGNAL_GENERATED",
            {"symbol": "INFY"},
            category="SIGNAL",
            signal_id=signal.id,
            event_id=event.id,
        )
        card = s.get(TradeCardRow, web.card_id)
        card.signal_id, card.event_id, card.meta_label_id = signal.id, event.id, meta.id
    web.login()
    html = web.client.get(f"/audit/cards/{web.card_id}").text
    assert "Infosys board approves buyback" in html
    assert 'href="https://nsearchives.nseindia.com/x.pdf"' in html
    assert "61.25" in html  # rsi_14 at signal time
    assert "buyback at a premium" in html
    assert "liquid, regime fits" in html
    assert "· EVENT_INGESTED ·" in html
    assert "· SIGNAL_GENERATED ·" in html
