"""Own the graph side of the facade: compiling the graphs at the edge with one checkpointer,
starting and resuming threads (approvals, proposals, intake) and the sweep that gives every live
PENDING card or proposal its approval thread."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

from langgraph.types import Command

from agents.judge.judge import JudgeAgent
from app.desk_ports import StorePorts
from core.enums import CardStatus
from core.errors import ValidationError
from graphs.checkpoint import open_checkpointer
from graphs.context import DeskContext
from graphs.intake import build_intake_graph
from graphs.judge import build_judge_graph
from graphs.treasurer import build_treasurer_graph
from store.repos import treasury as treasury_repo
from tools.cards.service import list_cards

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


class GraphFlows(StorePorts):
    """StorePorts plus the compiled graphs; DeskFacade adds who-is-asking and the reads."""

    def __init__(self, *args: Any, database_url: str, llm: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.database_url, self.llm = database_url, llm
        if llm is not None:
            self.judge = JudgeAgent(llm)
        self._stack: AsyncExitStack | None = None
        self._graphs: dict[str, Any] = {}

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

    async def review_card(self, card_id: int) -> dict[str, Any]:
        """Start the approval thread for a card the hot path already made (thread card:<id>).
        Idempotent: a card already waiting is not presented (or messaged) twice."""
        thread = f"card:{card_id}"
        pending = await self._pending("judge", thread)
        if pending is not None:
            return {"card_id": card_id, "__interrupt__": [Waiting(pending)]}
        return await self._run("judge", thread, {"card_id": card_id})

    async def review_proposal(self, proposal_id: int) -> dict[str, Any]:
        """Start the approval thread of an existing proposal (thread proposal:<id>), once."""
        thread = f"proposal:{proposal_id}"
        pending = await self._pending("treasurer", thread)
        if pending is not None:
            return {"proposal_id": proposal_id, "__interrupt__": [Waiting(pending)]}
        return await self._run("treasurer", thread, {"proposal_id": proposal_id})

    async def sweep_pending(self) -> dict[str, int]:
        """Give every live PENDING card and proposal without a thread its approval thread (and
        Telegram message). Idempotent; run it every few seconds from `desk up`."""
        now = self.clock.now()
        with self.sessions() as s:
            cards = [
                c.id
                for c in list_cards(s, None, CardStatus.PENDING.value, limit=500)
                if c.expires_at is None or c.expires_at > now
            ]
            props = [
                p.id
                for p in treasury_repo.list_proposals(s, status="PENDING", limit=500)
                if p.kind != "AUTO_RETURN" and (p.expires_at is None or p.expires_at > now)
            ]
        seen_cards, seen_props = self.awaiting_ids("judge"), self.awaiting_ids("treasurer")
        new_cards = [c for c in cards if c not in seen_cards]
        new_props = [p for p in props if p not in seen_props]
        for card_id in new_cards:
            await self.review_card(card_id)
        for proposal_id in new_props:
            await self.review_proposal(proposal_id)
        return {"cards": len(new_cards), "proposals": len(new_props)}

    async def run_judge(self, thread_id: str, request: dict[str, Any]) -> dict[str, Any]:
        """Research → judge → card → approval interrupt for one account's candidate."""
        return await self._run("judge", thread_id, {"request": request})

    async def propose_transfer(
        self, thread_id: str, request: dict[str, Any] | None = None, proposal_id: int | None = None
    ) -> dict[str, Any]:
        payload = {"proposal_id": proposal_id} if proposal_id else {"request": request or {}}
        return await self._run("treasurer", thread_id, payload)

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
            "fixing": False,
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
class Waiting:
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
