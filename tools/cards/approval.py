"""Own the one approval service behind the bot, the web and the CLI: a card is decided once, by an
authorised user of its account, before it expires, and only if its hash matches what was shown."""

from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from core.clock import Clock
from core.enums import AccountStatus, AuditCategory, CardStatus
from core.errors import Conflict, NotFound, ValidationError
from core.pipeline import ApprovalDecision
from store.audit import AuditLog
from store.models import Account, TradeCardRow
from tools.accounts.access import get_user, require_approver
from tools.cards.service import CardView, card_view

ACTIONS = ("approve", "reject", "reduce")


class ApprovalService:
    """Decide cards. Raises AccessDenied, Conflict or ValidationError and then changes nothing."""

    def __init__(self, clock: Clock, audit: AuditLog) -> None:
        self._clock = clock
        self._audit = audit

    def decide(
        self, session: Session, card_id: int, decision: ApprovalDecision, user_id: int
    ) -> CardView:
        if decision.action not in ACTIONS:
            raise ValidationError(f"action must be one of {ACTIONS}", field="action")
        row = self._locked_card(session, card_id)
        user = get_user(session, user_id)
        require_approver(session, user_id, row.account_id)
        self._check_decidable(session, row, decision)
        now = self._clock.now()
        if decision.action == "reject":
            if not (decision.reason or "").strip():
                raise ValidationError("a rejection needs a reason", field="reason")
            row.status, row.rejected_at = CardStatus.REJECTED.value, now
            row.rejection_reason = decision.reason
        else:
            qty = self._approved_quantity(row, decision)
            row.status, row.approved_at, row.approved_quantity = CardStatus.APPROVED.value, now, qty
        row.approved_by, row.decided_via = user.username, decision.via
        session.flush()
        self._audit.append(
            session, f"CARD_{row.status}",
            {"action": decision.action, "quantity": row.approved_quantity,
             "proposed_quantity": row.quantity, "reason": decision.reason,
             "card_hash": row.card_hash, "via": decision.via},
            category=AuditCategory.APPROVAL, account_id=row.account_id, trade_card_id=row.id,
            user_id=user.username)
        return card_view(row)

    @staticmethod
    def _locked_card(session: Session, card_id: int) -> TradeCardRow:
        if session.get_bind().dialect.name == "sqlite":  # take SQLite's write lock up front
            session.execute(text("UPDATE trade_cards SET id = id WHERE 0"))
        row = session.scalar(select(TradeCardRow).where(TradeCardRow.id == card_id)
                             .with_for_update())
        if row is None:
            raise NotFound(f"card {card_id} does not exist")
        return row

    def _check_decidable(
        self, session: Session, row: TradeCardRow, decision: ApprovalDecision
    ) -> None:
        if row.status != CardStatus.PENDING.value:
            raise Conflict(f"card {row.id} is already {row.status}; nothing changed")
        if row.expires_at is not None and self._clock.now() >= row.expires_at:
            raise Conflict(f"card {row.id} expired at {row.expires_at.isoformat()}")
        if decision.content_hash != row.card_hash:
            raise Conflict(f"card {row.id} changed since it was shown; open it again")
        account = session.get(Account, row.account_id)
        if decision.action != "reject" and (account is None
                                            or account.status != AccountStatus.ACTIVE.value):
            raise Conflict(f"account {row.account_id} is not active; approvals are paused")

    @staticmethod
    def _approved_quantity(row: TradeCardRow, decision: ApprovalDecision) -> int:
        if decision.action == "approve":
            return row.quantity
        qty = decision.quantity
        if qty is None or not 1 <= qty < row.quantity:
            raise ValidationError(f"reduced quantity must be between 1 and {row.quantity - 1}",
                                  field="quantity")
        return qty

    def expire_due(self, session: Session) -> list[int]:
        """Mark every PENDING card past its expiry as EXPIRED (audited); return their ids."""
        now = self._clock.now()
        ids = list(session.scalars(select(TradeCardRow.id).where(
            TradeCardRow.status == CardStatus.PENDING.value, TradeCardRow.expires_at <= now)))
        if not ids:
            return []
        session.execute(update(TradeCardRow).where(TradeCardRow.id.in_(ids))
                        .values(status=CardStatus.EXPIRED.value))
        for card_id in ids:
            row = session.get(TradeCardRow, card_id)
            self._audit.append(session, "CARD_EXPIRED", {"expired_at": now},
                               category=AuditCategory.APPROVAL, trade_card_id=card_id,
                               account_id=row.account_id if row else None)
        return ids
