"""Own pushing to Telegram: cards with signed buttons, transfer proposals, and plain notices
(fills, stop/target hits, kill switches, daily summary) — `core.ports.Notifier`."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import formatting as fmt
from bot.keyboards import card_keyboard, transfer_keyboard
from bot.service import DeskService

log = logging.getLogger("desk.bot")


class TelegramNotifier:
    """Sends to every configured user who may see the account; a failed send never raises."""

    def __init__(
        self, bot: Bot, desk: DeskService, secret: bytes, allowed: dict[int, set[int]]
    ) -> None:
        self._bot, self._desk, self._secret, self._allowed = bot, desk, secret, allowed
        self.sent = 0

    def _targets(self, account_id: int | None) -> list[int]:
        return [tg for tg in self._desk.recipients(account_id) if tg in self._allowed]

    async def _send(self, chat_id: int, text: str, markup: Any = None) -> None:
        try:
            await self._bot.send_message(
                chat_id,
                fmt.clip(text),
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                disable_web_page_preview=True,
            )
            self.sent += 1
        except TelegramError as exc:
            log.warning("telegram send to a user failed: %s", type(exc).__name__)

    async def notify(self, text: str, account_id: int | None = None) -> None:
        """A plain notice (escaped here, so callers pass raw text)."""
        for chat in self._targets(account_id):
            await self._send(chat, fmt.e(text))

    async def send_card(self, card: dict[str, Any]) -> None:
        """A new PENDING card with Approve / Reject / Details."""
        markup = card_keyboard(self._secret, card)
        for chat in self._targets(int(card["account_id"])):
            await self._send(chat, fmt.card_message(card), markup)

    async def send_proposal(self, request: dict[str, Any]) -> None:
        proposal = request.get("proposal", {})
        markup = transfer_keyboard(self._secret, request)
        text = fmt.transfer(proposal) + f"\n{fmt.e(request.get('summary', ''))}"
        for chat in self._targets(int(request["account_id"])):
            await self._send(chat, text, markup)


class RelayNotifier:
    """A `core.ports.Notifier` that exists before the bot does: the composition root hands it to
    the order manager, risk monitor and scheduler; the bot attaches its TelegramNotifier when it
    starts. Until then (or without a token) notices are dropped, never raised."""

    def __init__(self) -> None:
        self._target: TelegramNotifier | None = None
        self.dropped = 0

    def attach(self, target: TelegramNotifier | None) -> None:
        self._target = target

    async def notify(self, text: str, account_id: int | None = None) -> None:
        if self._target is None:
            self.dropped += 1
            return
        await self._target.notify(text, account_id)
