"""Own the inline keyboards: every button carries a signed, expiring callback token."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import sign
from core.canonical import sha256_hex

KILL_CONFIRM_S = 120


def _exp(value: Any) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def card_keyboard(secret: bytes, card: dict[str, Any]) -> InlineKeyboardMarkup:
    h, cid, exp = card["card_hash"], int(card["id"]), _exp(card["expires_at"])
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("✅ Approve", callback_data=sign(secret, "ca", cid, h, exp)),
                InlineKeyboardButton("❌ Reject", callback_data=sign(secret, "cr", cid, h, exp)),
            ],
            [
                InlineKeyboardButton(
                    "➖ Fewer shares", callback_data=sign(secret, "cq", cid, h, exp)
                ),
                InlineKeyboardButton("🔎 Details", callback_data=sign(secret, "cd", cid, h, exp)),
            ],
        ]
    )


def transfer_keyboard(secret: bytes, req: dict[str, Any]) -> InlineKeyboardMarkup:
    h, pid, exp = req["content_hash"], int(req["object_id"]), _exp(req["expires_at"])
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("✅ Approve", callback_data=sign(secret, "ta", pid, h, exp)),
                InlineKeyboardButton("❌ Reject", callback_data=sign(secret, "tr", pid, h, exp)),
            ]
        ]
    )


def kill_hash(account_id: int, user_id: int) -> str:
    return sha256_hex(f"kill:{account_id}:{user_id}")


def kill_keyboard(
    secret: bytes, account_id: int, user_id: int, now: datetime
) -> InlineKeyboardMarkup:
    h, exp = kill_hash(account_id, user_id), now + timedelta(seconds=KILL_CONFIRM_S)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "🛑 Confirm kill", callback_data=sign(secret, "kk", account_id, h, exp)
                ),
                InlineKeyboardButton(
                    "Cancel", callback_data=sign(secret, "kn", account_id, h, exp)
                ),
            ]
        ]
    )
