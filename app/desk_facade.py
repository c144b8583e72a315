"""Own the desk's service facade: what the bot, the CLI and the web call. It resolves who is asking,
checks what they may see, runs the graphs (compiled here, at the edge, with a checkpointer) and
returns plain data. Handlers never touch SQL or graph wiring."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from langgraph.types import Command
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.desk_flows import GraphFlows, Principal
from app.desk_ports import plain
from core.clock import to_ist
from core.enums import AccountStatus, AuditCategory, CardStatus
from core.errors import AccessDenied, ConfigError, NotFound
from store.db import transaction
from store.models import User
from store.repos import positions as positions_repo
from store.repos import reports as reports_repo
from store.repos import risk as risk_repo
from store.repos import treasury as treasury_repo
from tools.accounts import access
from tools.accounts.service import list_accounts, set_status
from tools.cards.service import list_cards
from tools.risk.switches import manual_kill

__all__ = ["DeskFacade", "Principal"]


class DeskFacade(GraphFlows):
    """One per process. Call `await aclose()` when done (closes the checkpointer)."""

    @classmethod
    def from_container(cls, container: Any) -> DeskFacade:
        """Wire from app.bootstrap.Container; execution is resolved lazily at first use."""

        async def execute(card_id: int) -> Any:
            if not getattr(container, "executes_orders", True):
                raise ConfigError("approved: the running desk (`desk up`) sends the orders")
            manager = getattr(container, "order_manager", None)
            if manager is None:
                raise ConfigError("execution (order manager) is not configured in this process")
            return await manager.execute_card(card_id)

        return cls(
            container.sessions,
            container.clock,
            container.audit,
            database_url=container.settings.database_url,
            llm=getattr(container, "llm", None),
            card_maker=getattr(container, "card_maker", None),
            executor=execute,
        )

    # --- who is asking --------------------------------------------------------------------------
    def _principal(self, user: access.UserView | None) -> Principal | None:
        if user is None or not user.is_active:
            return None
        with self.sessions() as s:
            return Principal(
                user.id,
                user.username,
                frozenset(access.visible_account_ids(s, user.id)),
                frozenset(access.approvable_account_ids(s, user.id)),
                user.telegram_user_id,
            )

    def principal_for_tg(self, telegram_id: int) -> Principal | None:
        with self.sessions() as s:
            user = access.user_by_telegram_id(s, telegram_id)
        return self._principal(user)

    def principal_for(self, username: str) -> Principal:
        with self.sessions() as s:
            user = access.user_by_username(s, username)
        p = self._principal(user)
        if p is None:
            raise NotFound(f"no active user {username!r}")
        return p

    def record_refusal(self, telegram_id: int, what: str) -> None:
        """Audit an unauthorised attempt (no secrets: the id and what was tried)."""
        with transaction(self.sessions) as s:
            self.audit.append(
                s,
                "ACCESS_REFUSED",
                {"telegram_user_id": telegram_id, "attempt": what[:200]},
                category=AuditCategory.ACCESS,
            )

    def recipients(self, account_id: int | None) -> list[int]:
        """Telegram ids of active users who may see the account (all linked users if None)."""
        with self.sessions() as s:
            ids = _tg_ids(s)
            if account_id is None:
                return sorted(ids)
            out = []
            for tg in ids:
                user = access.user_by_telegram_id(s, tg)
                if user and account_id in access.visible_account_ids(s, user.id):
                    out.append(tg)
            return sorted(out)

    # --- reads ----------------------------------------------------------------------------------
    def accounts(self, p: Principal) -> list[dict[str, Any]]:
        with self.sessions() as s:
            return [plain(a) for a in list_accounts(s, set(p.visible))]

    def _visible(self, p: Principal, account_id: int | None) -> set[int]:
        if account_id is None:
            return set(p.visible)
        if account_id not in p.visible:
            raise AccessDenied(f"you do not have access to account {account_id}")
        return {account_id}

    def cards(
        self,
        p: Principal,
        account_id: int | None = None,
        status: str | None = CardStatus.PENDING.value,
    ) -> list[dict[str, Any]]:
        with self.sessions() as s:
            return [plain(c) for c in list_cards(s, self._visible(p, account_id), status)]

    def card(self, p: Principal, card_id: int) -> dict[str, Any]:
        payload = self.card_payload(card_id)
        if payload["account_id"] not in p.visible:
            raise AccessDenied(f"you do not have access to card {card_id}")
        return payload

    def positions(self, p: Principal, account_id: int | None = None) -> list[dict[str, Any]]:
        with self.sessions() as s:
            return [
                plain(positions_repo.position_view(r))
                for a in self._visible(p, account_id)
                for r in positions_repo.open_positions(s, a)
            ]

    def risk(self, p: Principal) -> list[dict[str, Any]]:
        out = []
        with self.sessions() as s:
            for a in list_accounts(s, set(p.visible)):
                snap = risk_repo.latest_snapshots(s, 1, account_id=a.id)
                kills = [r.trigger_reason for r in risk_repo.triggered_for(s, a.id)]
                out.append(
                    {
                        "account_id": a.id,
                        "name": a.name,
                        "status": a.status,
                        "snapshot": plain(snap[0]) if snap else None,
                        "kills": kills,
                    }
                )
        return out

    def daily_summaries(self) -> list[tuple[int, str]]:
        """(account id, short text) per open account: positions, P&L today, pending cards."""
        day_start = to_ist(self.clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
        out = []
        with self.sessions() as s:
            for a in list_accounts(s, include_closed=False):
                opened = positions_repo.open_positions(s, a.id)
                upnl = sum((r.unrealized_pnl or Decimal(0) for r in opened), Decimal(0))
                realized = positions_repo.realized_since(s, a.id, day_start)
                pending = len(list_cards(s, {a.id}, CardStatus.PENDING.value))
                out.append(
                    (
                        a.id,
                        f"Daily summary: {a.name} (#{a.id}, {a.status})\n"
                        f"Open positions {len(opened)}, unrealised ₹{upnl:.2f}\n"
                        f"Realised today ₹{realized:.2f}\nPending cards {pending}",
                    )
                )
        return out

    def latest_report(self, p: Principal) -> dict[str, Any] | None:
        with self.sessions() as s:
            found = reports_repo.list_reports(s, set(p.visible), limit=1)
        return plain(found[0]) if found else None

    def transfers(self, p: Principal, status: str | None = "PENDING") -> list[dict[str, Any]]:
        with self.sessions() as s:
            rows = treasury_repo.list_proposals(s, status=status, limit=50)
        return [plain(r) for r in rows if {r.from_account_id, r.to_account_id} & set(p.visible)]

    # --- actions --------------------------------------------------------------------------------
    def _require_approver(self, p: Principal, account_id: int) -> None:
        if account_id not in p.approvable:
            raise AccessDenied(f"you may not act for account {account_id}")

    def set_account_status(self, p: Principal, account_id: int, status: str) -> dict[str, Any]:
        self._require_approver(p, account_id)
        with transaction(self.sessions) as s:
            view = set_status(
                s,
                self.audit,
                self.clock,
                account_id,
                AccountStatus(status),
                p.username,
                reason=f"{status.lower()} by {p.username}",
            )
        return plain(view)  # type: ignore[no-any-return]

    def kill(self, p: Principal, account_id: int, reason: str) -> dict[str, Any]:
        self._require_approver(p, account_id)
        with transaction(self.sessions) as s:
            row = manual_kill(s, self.audit, account_id, reason, p.username, clock=self.clock)
            return {"switch_id": row.id, "account_id": account_id, "reason": reason}

    async def decide_card(
        self,
        p: Principal,
        card_id: int,
        action: str,
        content_hash: str,
        *,
        reason: str | None = None,
        quantity: int | None = None,
        via: str = "cli",
    ) -> dict[str, Any]:
        """Decide through the waiting graph thread when there is one, else directly; same rules."""
        decision = {
            "action": action,
            "decided_by": p.username,
            "content_hash": content_hash,
            "reason": reason,
            "quantity": quantity,
            "via": via,
            "user_id": p.user_id,
        }
        thread = self.thread_for("judge", card_id)
        if thread and await self._pending("judge", thread) is not None:
            state = await self._run("judge", thread, Command(resume=decision))
            return {**state.get("last_result", {}), "execution": state.get("execution")}
        result = self.decide(card_id, decision)
        if result["ok"] and result["status"] == CardStatus.APPROVED.value:
            result["execution"] = await self.execute(card_id)
        return result

    async def decide_transfer(
        self,
        p: Principal,
        proposal_id: int,
        action: str,
        content_hash: str,
        *,
        reason: str | None = None,
        via: str = "cli",
    ) -> dict[str, Any]:
        req = self.proposal_request(proposal_id)
        self._require_approver(p, int(req["account_id"]))
        decision = {
            "action": action,
            "decided_by": p.username,
            "content_hash": content_hash,
            "reason": reason,
            "via": via,
            "user_id": p.user_id,
        }
        thread = self.thread_for("treasurer", proposal_id)
        if thread and await self._pending("treasurer", thread) is not None:
            state = await self._run("treasurer", thread, Command(resume=decision))
            return dict(state.get("last_result", {}))
        return self.decide_proposal(proposal_id, decision)


def _tg_ids(session: Session) -> list[int]:
    return [
        int(i)
        for i in session.scalars(
            select(User.telegram_user_id).where(
                User.telegram_user_id.is_not(None), User.is_active.is_(True)
            )
        )
        if i is not None
    ]
