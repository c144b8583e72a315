"""Own the desk's service facade: what the bot, the CLI and the web call. It resolves who is asking,
checks what they may see, runs the graphs (compiled here, at the edge, with a checkpointer) and
returns plain data. Handlers never touch SQL or graph wiring."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from langgraph.types import Command
from sqlalchemy import select
from sqlalchemy.orm import Session

from agents.judge.judge import JudgeAgent
from app.desk_ports import StorePorts, plain
from core.clock import to_ist
from core.enums import AccountStatus, AuditCategory, CardStatus
from core.errors import AccessDenied, ConfigError, NotFound, ValidationError
from graphs.checkpoint import open_checkpointer
from graphs.context import DeskContext
from graphs.intake import build_intake_graph
from graphs.judge import build_judge_graph
from graphs.treasurer import build_treasurer_graph
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

_BUILDERS: dict[str, Callable[[], Any]] = {
    "intake": build_intake_graph,
    "judge": build_judge_graph,
    "treasurer": build_treasurer_graph,
}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking, and which accounts they may see and approve for."""

    user_id: int
    username: str
    visible: frozenset[int]
    approvable: frozenset[int]
    telegram_id: int | None = None


class DeskFacade(StorePorts):
    """One per process. Call `await aclose()` when done (closes the checkpointer)."""

    def __init__(self, *args: Any, database_url: str, llm: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.database_url, self.llm = database_url, llm
        if llm is not None:
            self.judge = JudgeAgent(llm)
        self._stack: AsyncExitStack | None = None
        self._graphs: dict[str, Any] = {}

    @classmethod
    def from_container(cls, container: Any) -> DeskFacade:
        """Wire from app.bootstrap.Container; execution is resolved lazily at first use."""

        async def execute(card_id: int) -> Any:
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

    # --- graphs ---------------------------------------------------------------------------------
    def context(self) -> DeskContext:
        return DeskContext(
            clock=self.clock, intake=self, research=self, cards=self, treasury=self, llm=self.llm
        )

    async def graph(self, name: str) -> Any:
        """The compiled graph `name`, sharing one checkpointer for the facade's lifetime."""
        if name not in self._graphs:
            if self._stack is None:
                self._stack = AsyncExitStack()
                self._saver = await self._stack.enter_async_context(
                    open_checkpointer(self.database_url)
                )
            self._graphs[name] = _BUILDERS[name]().compile(checkpointer=self._saver)
        return self._graphs[name]

    async def aclose(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
        self._stack, self._graphs = None, {}

    async def _run(self, name: str, thread_id: str, payload: Any) -> dict[str, Any]:
        graph = await self.graph(name)
        cfg = {"configurable": {"thread_id": thread_id}}
        return await graph.ainvoke(payload, cfg, context=self.context())  # type: ignore[no-any-return]

    async def _pending(self, name: str, thread_id: str) -> dict[str, Any] | None:
        graph = await self.graph(name)
        state = await graph.aget_state({"configurable": {"thread_id": thread_id}})
        return state.interrupts[0].value if state.interrupts else None

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

    async def review_card(self, card_id: int) -> dict[str, Any]:
        """Start the approval thread for a card the hot path already made (thread card:<id>).
        Idempotent: a card already waiting is not presented (or messaged) twice."""
        thread = f"card:{card_id}"
        pending = await self._pending("judge", thread)
        if pending is not None:
            return {"card_id": card_id, "__interrupt__": [_Waiting(pending)]}
        return await self._run("judge", thread, {"card_id": card_id})

    async def run_judge(self, thread_id: str, request: dict[str, Any]) -> dict[str, Any]:
        """Research → judge → card → approval interrupt for one account's candidate."""
        return await self._run("judge", thread_id, {"request": request})

    async def propose_transfer(
        self, thread_id: str, request: dict[str, Any] | None = None, proposal_id: int | None = None
    ) -> dict[str, Any]:
        payload = {"proposal_id": proposal_id} if proposal_id else {"request": request or {}}
        return await self._run("treasurer", thread_id, payload)

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

    # --- intake ---------------------------------------------------------------------------------
    @staticmethod
    def intake_thread(p: Principal) -> str:
        return f"intake:{p.username}"

    async def intake_pending(self, p: Principal) -> dict[str, Any] | None:
        return await self._pending("intake", self.intake_thread(p))

    async def intake_start(self, p: Principal, restart: bool = False) -> dict[str, Any]:
        """Resume a pending intake (e.g. started yesterday) or start a fresh one."""
        pending = await self.intake_pending(p)
        if pending is not None and not restart:
            return {**pending, "resumed": True}
        fresh = {
            "user": p.username,
            "step": 0,
            "fields": {},
            "assumptions": {},
            "error": None,
            "status": "asking",
            "answer": "",
            "spec": {},
            "summary": "",
            "result": {},
        }
        return _intake_view(await self._run("intake", self.intake_thread(p), fresh))

    async def intake_answer(self, p: Principal, text: str) -> dict[str, Any]:
        if await self.intake_pending(p) is None:
            raise ValidationError("no intake in progress; start one with /newaccount", "intake")
        state = await self._run("intake", self.intake_thread(p), Command(resume=text))
        return _intake_view(state)


@dataclass(frozen=True, slots=True)
class _Waiting:
    """Shaped like LangGraph's Interrupt (`.value`) for an approval that is already waiting."""

    value: dict[str, Any]


def _intake_view(state: dict[str, Any]) -> dict[str, Any]:
    if state.get("__interrupt__"):
        return dict(state["__interrupt__"][0].value)
    if state.get("status") == "saved":
        return {
            "kind": "intake_saved",
            **state.get("result", {}),
            "summary": state.get("summary", ""),
        }
    return {"kind": "intake_cancelled"}


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
