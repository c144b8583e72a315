"""Own the treasurer graph: a transfer/tranche proposal → approval interrupt → decision."""

from __future__ import annotations

from typing import Any, TypedDict

from langgraph.config import get_config
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agents.treasurer.llm import note_for
from graphs.context import DeskContext, TreasuryPorts, need


class TreasuryState(TypedDict, total=False):
    request: dict[str, Any]  # {kind: TRANSFER, from_account_id, to_account_id, amount, reason}
    proposal_id: int | None
    approval: dict[str, Any]
    note: str
    decision: dict[str, Any]
    last_result: dict[str, Any]
    outcome: str


def _ports(runtime: Runtime[DeskContext]) -> TreasuryPorts:
    return need(runtime.context.treasury, "treasury")  # type: ignore[no-any-return]


def _thread_id() -> str:
    """The running thread's id (recorded so any process can resume the approval)."""
    return str(get_config().get("configurable", {}).get("thread_id", ""))


def start(state: TreasuryState) -> str:
    return "present" if state.get("proposal_id") is not None else "propose"


def propose(state: TreasuryState, runtime: Runtime[DeskContext]) -> dict[str, Any]:
    ids = _ports(runtime).propose(state.get("request", {}))
    if not ids:
        return {"outcome": "nothing to propose"}
    return {"proposal_id": ids[0]}


def after_propose(state: TreasuryState) -> str:
    return END if state.get("outcome") else "present"


async def present(state: TreasuryState, runtime: Runtime[DeskContext]) -> dict[str, Any]:
    """Freeze the approval payload with the treasurer's note; record the thread; notify."""
    ports = _ports(runtime)
    pid = int(state["proposal_id"])  # type: ignore[arg-type]
    payload = ports.proposal_request(pid)
    note, _version = await note_for(runtime.context.llm, payload.get("proposal", payload))
    payload = {**payload, "summary": f"{payload.get('summary', '')}\n{note}".strip()}
    await ports.proposal_ready(pid, _thread_id())
    return {"approval": payload, "note": note}


def approval(state: TreasuryState) -> dict[str, Any]:
    """Wait for a human: resume with {action: approve|reject, reason?, user_id, decided_by}."""
    decision = interrupt(state["approval"])
    return {"decision": dict(decision) if isinstance(decision, dict) else {"action": decision}}


def decide(state: TreasuryState, runtime: Runtime[DeskContext]) -> dict[str, Any]:
    result = _ports(runtime).decide_proposal(
        int(state["proposal_id"]),  # type: ignore[arg-type]
        state.get("decision", {}),
    )
    out: dict[str, Any] = {"last_result": result}
    if result.get("ok") or result.get("status") != "PENDING":
        out["outcome"] = str(result.get("status", "")).lower()
    return out


def after_decide(state: TreasuryState) -> str:
    return END if state.get("outcome") else "approval"


def build_treasurer_graph() -> StateGraph[TreasuryState, DeskContext, TreasuryState, TreasuryState]:
    """Return the uncompiled treasurer graph; compile it at the edge with a checkpointer."""
    g = StateGraph(TreasuryState, context_schema=DeskContext)
    g.add_node("propose", propose)
    g.add_node("present", present)
    g.add_node("approval", approval)
    g.add_node("decide", decide)
    g.add_conditional_edges(START, start, ["propose", "present"])
    g.add_conditional_edges("propose", after_propose, ["present", END])
    g.add_edge("present", "approval")
    g.add_edge("approval", "decide")
    g.add_conditional_edges("decide", after_decide, ["approval", END])
    return g
