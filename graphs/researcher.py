"""Own the researcher graph: gather tags, features, signals and similar events into a pack."""

from __future__ import annotations

from typing import Any, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents.researcher.llm import summarise_with_llm
from agents.researcher.offline import MODEL_VERSION, links_of, summarise
from agents.researcher.schema import EvidencePack
from core.errors import ValidationError
from graphs.context import DeskContext, ResearchPorts, need

SIMILAR_LIMIT = 5
SIGNAL_LIMIT = 5


class ResearchState(TypedDict, total=False):
    event_id: int | None
    symbol: str | None
    evidence: dict[str, Any]


def gather_pack(ports: ResearchPorts, event_id: int | None, symbol: str | None) -> EvidencePack:
    """Collect the raw evidence for an event (and its first symbol) or for a symbol alone."""
    if event_id is None and not symbol:
        raise ValidationError("give an event id or a symbol", field="event_id")
    event = ports.event(event_id) if event_id is not None else None
    if event_id is not None and event is None:
        raise ValidationError(f"event {event_id} does not exist", field="event_id")
    sym = symbol or next(iter((event or {}).get("symbols") or ()), None)
    pack = EvidencePack(
        subject=f"event {event_id}" if event_id is not None else f"symbol {sym}",
        symbol=sym,
        event=event,
        features=ports.features(sym) if sym else None,
        signals=ports.signals(sym, SIGNAL_LIMIT) if sym else [],
        similar=ports.similar_events(event_id, SIMILAR_LIMIT) if event_id is not None else [],
        recent=ports.recent_events(sym, SIMILAR_LIMIT) if sym and event_id is None else [],
    )
    return pack.model_copy(update={"links": links_of(pack)})


async def research_evidence(
    ctx: DeskContext, event_id: int | None, symbol: str | None
) -> EvidencePack:
    """Gather and summarise; the summary comes from the LLM when configured, else offline."""
    pack = gather_pack(need(ctx.research, "research"), event_id, symbol)
    if ctx.llm is not None:
        text, version = await summarise_with_llm(ctx.llm, pack)
    else:
        text, version = summarise(pack), MODEL_VERSION
    return pack.model_copy(update={"summary": text, "model_version": version})


async def research(state: ResearchState, runtime: Runtime[DeskContext]) -> dict[str, Any]:
    pack = await research_evidence(runtime.context, state.get("event_id"), state.get("symbol"))
    return {"evidence": pack.model_dump(mode="json")}


def build_researcher_graph() -> StateGraph[
    ResearchState, DeskContext, ResearchState, ResearchState
]:
    """Return the uncompiled researcher graph (event or symbol in, evidence pack out)."""
    g = StateGraph(ResearchState, context_schema=DeskContext)
    g.add_node("research", research)
    g.add_edge(START, "research")
    g.add_edge("research", END)
    return g
