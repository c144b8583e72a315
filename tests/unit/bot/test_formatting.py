"""Phone formatting: user and market text is escaped, long text is clipped under Telegram's cap."""

from __future__ import annotations

from bot import formatting as fmt

CARD = {
    "id": 3,
    "account_id": 1,
    "direction": "LONG",
    "quantity": 20,
    "symbol": "M&M",
    "entry_price": "1500.00",
    "entry_order_type": "LIMIT",
    "stop_loss": "1455.00",
    "take_profit": "1590.00",
    "risk_amount": "900.00",
    "reward_amount": "1800.00",
    "risk_reward_ratio": 2.0,
    "strategy": "momentum",
    "horizon_days": 5,
    "confidence": 0.7,
    "expires_at": "2025-12-16T04:45:00+00:00",
    "thesis": "<b>bold</b> claim" + "x" * 5000,
    "risk_warnings": [{"detail": "RSI > 70"}],
    "status": "PENDING",
    "evidence_links": [{"url": "https://x.in/a?b=1&c=2", "title": "Filing <pdf>"}],
    "card_hash": "f" * 64,
    "model_version": "offline-judge-v1",
}


def test_card_message_escapes_and_shows_ist():
    text = fmt.card_message(CARD)
    assert "M&amp;M" in text
    assert "&lt;b&gt;bold" in text
    assert "RSI &gt; 70" in text
    assert "10:15 IST" in text
    assert len(text) <= fmt.MAX_CHARS


def test_details_link_is_quoted():
    text = fmt.card_details(CARD)
    assert 'href="https://x.in/a?b=1&amp;c=2"' in text
    assert "Filing &lt;pdf&gt;" in text


def test_intake_question_shows_error_and_example():
    text = fmt.intake(
        {
            "kind": "intake_question",
            "step": 2,
            "total": 8,
            "question": "Goal?",
            "example": "balanced",
            "error": "Say <more>",
            "key": "objective",
        }
    )
    assert "2/8" in text
    assert "Say &lt;more&gt;" in text
