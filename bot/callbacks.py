"""Own the short HMAC-signed callback tokens behind every inline button.

A token binds an action to one object (card, proposal, account), the content hash the user was
shown and an expiry: `<action>:<id>:<hash6>:<exp base36>:<sig>`, at most 64 bytes as Telegram
requires. A forged, altered, stale or expired token is refused with the reason.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

MAX_BYTES = 64
SIG_CHARS = 16
ACTIONS = {
    "ca": "approve card",
    "cr": "reject card",
    "cd": "card details",
    "cq": "reduce card quantity",
    "ta": "approve transfer",
    "tr": "reject transfer",
    "kk": "confirm kill",
    "kn": "cancel kill",
}


class TokenError(ValueError):
    """The button cannot be honoured; `reason` is safe to show the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ButtonToken:
    action: str
    object_id: int
    hash_prefix: str
    expires_at: datetime


def _b36(n: int) -> str:
    chars = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = chars[r] + out
        if n == 0:
            return out


def _sig(secret: bytes, action: str, object_id: int, content_hash: str, exp: int) -> str:
    msg = f"{action}:{object_id}:{content_hash}:{exp}".encode()
    digest = hmac.new(secret, msg, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIG_CHARS]


def sign(
    secret: bytes, action: str, object_id: int, content_hash: str, expires_at: datetime
) -> str:
    """Return the callback data for one button."""
    if action not in ACTIONS:
        raise ValueError(f"unknown button action {action!r}")
    exp = int(expires_at.timestamp())
    token = (
        f"{action}:{object_id}:{content_hash[:6]}:{_b36(exp)}:"
        f"{_sig(secret, action, object_id, content_hash, exp)}"
    )
    if len(token.encode()) > MAX_BYTES:
        raise ValueError("callback token longer than Telegram's 64 bytes")
    return token


def parse(token: str) -> ButtonToken:
    """Split a token without trusting it (verify() does the trusting)."""
    parts = (token or "").split(":")
    if len(parts) != 5 or parts[0] not in ACTIONS:
        raise TokenError("This button is not one of mine.")
    try:
        object_id, exp = int(parts[1]), int(parts[3], 36)
    except ValueError as exc:
        raise TokenError("This button is not one of mine.") from exc
    return ButtonToken(parts[0], object_id, parts[2], datetime.fromtimestamp(exp, UTC))


def verify(secret: bytes, token: str, current_hash: str, now: datetime) -> ButtonToken:
    """Check signature, content hash and expiry against the object as it is now."""
    parsed = parse(token)
    exp = int(parsed.expires_at.timestamp())
    expected = _sig(secret, parsed.action, parsed.object_id, current_hash, exp)
    if not hmac.compare_digest(expected, token.rsplit(":", 1)[1]):
        if parsed.hash_prefix != current_hash[:6]:
            raise TokenError("This changed since the message was sent; open it again.")
        raise TokenError("This button failed its signature check; nothing was done.")
    if now >= parsed.expires_at:
        raise TokenError("This button has expired; nothing was done.")
    return parsed
