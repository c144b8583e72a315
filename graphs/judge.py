"""Own the judge graph: research → judge + guardrails → PENDING card → approval interrupt →
decision through the approval service → idempotent execution in a later node."""

from __future__ import annotations

from typing import Any, TypedDict

from langgraph.config import get_config
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from graphs.context import CardPorts, DeskContext, need
from graphs.researcher import research_evidence

ACTIONS = ("approve", "reject", "reduce")


class JudgeState(TypedDict, total=False):
    request: dict[str, Any]  # {account_id, signal_id?, event_id?, symbol?}
    card_id: int | None
    evidence: dict[str, Any]
    approval: dict[str, Any]  # the ApprovalRequest-shaped interrupt payload
    decision: dict[str, Any]
    last_result: dict[str, Any]  # what the latest decision attempt did (ok, status, message)
    attempts: int
    outcome: str
    execution: dict[str, Any]


def _cards(runtime: Runtime[DeskContext]) -> CardPorts:
    return need(runtime.context.cards, "cards")  # type: ignore[no-any-return]


def _thread_id() -> str:
    """The running thread's id (recorded so any process can resume the approval)."""
    return str(get_config().get("configurable", {}).get("thread_id", ""))


def start(state: JudgeState) -> str:
    """Skip research and judging when the card already exists (made by the hot path)."""
    return "present" if state.get("card_id") is not None else "research"


async def research(state: JudgeState, runtime: Runtime[DeskContext]) -> dict[str, Any]:
    req = state.get("request", {})
    pack = await research_evidence(runtime.context, req.get("event_id"), req.get("symbol"))
    return {"evidence": pack.model_dump(mode="json")}


def judge(state: JudgeState, runtime: Runtime[DeskContext]) -> dict[str, Any]:
    """Judge + guardrails write the card (PENDING, or BLOCKED by a hard guardrail)."""
    made = _cards(runtime).make_card(state.get("request", {}), state.get("evidence", {}))
    if made.get("card_id") is None or made.get("status") != "PENDING":
        return {
            "card_id": made.get("card_id"),
            "outcome": f"no card: {made.get('reason') or made.get('status')}",
        }
    return {"card_id": made["card_id"]}


def after_judge(state: JudgeState) -> str:
    return END if state.get("outcome") else "present"


async def present(state: JudgeState, runtime: Runtime[DeskContext]) -> dict[str, Any]:
    """Freeze the approval payload, record the waiting thread and notify the humans."""
    card_id = int(state["card_id"])  # type: ignore[arg-type]
    ports = _cards(runtime)
    payload = ports.approval_request(card_id)
    await ports.card_ready(card_id, _thread_id())
    return {"approval": payload, "attempts": 0}


def approval(state: JudgeState) -> dict[str, Any]:
    """Wait for a human: resume with an ApprovalDecision-shaped dict (plus user_id)."""
    decision = interrupt(state["approval"])
    return {"decision": dict(decision) if isinstance(decision, dict) else {"action": decision}}


def decide(state: JudgeState, runtime: Runtime[DeskContext]) -> dict[str, Any]:
    """Apply the decision once through the approval service; a refusal leaves the card waiting."""
    result = _cards(runtime).decide(int(state["card_id"]), state.get("decision", {}))  # type: ignore[arg-type]
    out: dict[str, Any] = {"last_result": result, "attempts": state.get("attempts", 0) + 1}
    if result.get("ok"):
        out["outcome"] = str(result.get("status", "")).lower()
    elif result.get("status") != "PENDING":
        out["outcome"] = f"closed: {result.get('status')}"
    return out


def after_decide(state: JudgeState) -> str:
    if not state.get("outcome"):
        return "approval"  # refused (forged, stale hash, not allowed): ask again
    return "execute" if state.get("outcome") == "approved" else END


async def execute(state: JudgeState, runtime: Runtime[DeskContext]) -> dict[str, Any]:
    """Send the orders; the execution service is idempotent on (card id, leg)."""
    result = await _cards(runtime).execute(int(state["card_id"]))  # type: ignore[arg-type]
    return {"execution": result, "outcome": "executed" if result.get("ok") else "approved"}


def build_judge_graph() -> StateGraph[JudgeState, DeskContext, JudgeState, JudgeState]:
    """Return the uncompiled judge graph; compile it at the edge with a checkpointer."""
    g = StateGraph(JudgeState, context_schema=DeskContext)
    g.add_node("research", research)
    g.add_node("judge", judge)
    g.add_node("present", present)
    g.add_node("approval", approval)
    g.add_node("decide", decide)
    g.add_node("execute", execute)
    g.add_conditional_edges(START, start, ["research", "present"])
    g.add_edge("research", "judge")
    g.add_conditional_edges("judge", after_judge, ["present", END])
    g.add_edge("present", "approval")
    g.add_edge("approval", "decide")
    g.add_conditional_edges("decide", after_decide, ["approval", "execute", END])
    g.add_edge("execute", END)
    return g
