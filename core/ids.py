"""Own deterministic identifiers: the client order id that makes a resend the same order."""

from __future__ import annotations

import hashlib


def client_order_id(card_id: int, leg: str, attempt: int = 0) -> str:
    """Derive the client order id of one leg of one card (≤ 20 chars, Upstox tag/correlation safe).

    The same (card, leg, attempt) always gives the same id, so a retry, a restart or a duplicate
    approval can be recognised by the broker adapter and the order manager as the same order.
    `attempt` changes only when a human deliberately re-arms a leg (e.g. a replacement stop).
    """
    digest = hashlib.sha256(f"{card_id}:{leg}:{attempt}".encode()).hexdigest()[:8]
    return f"D{card_id}{leg[:2].upper()}{attempt}{digest}"[:20]
