"""Own the intake graph: eight questions as interrupts, re-asks, back/cancel, review, save."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agents.intake.llm import parse_with_llm
from agents.intake.offline import MODEL_VERSION, AnswerError, Parsed, parse_answer
from agents.intake.questions import FIELD_TO_KEY, KEYS, QUESTIONS
from agents.intake.spec import build_spec
from core.clock import to_ist
from core.errors import Conflict, ValidationError
from graphs.context import DeskContext, need
from tools.accounts.schemas import AccountSpec

BACK, CANCEL = {"back", "/back", "previous"}, {"cancel", "/cancel", "stop", "quit"}
YES = {"yes", "y", "confirm", "ok", "save", "looks good", "correct"}


class IntakeState(TypedDict, total=False):
    user: str
    step: int
    fixing: bool  # answering one question again after a refusal: go straight back to review
    fields: dict[str, dict[str, Any]]
    assumptions: dict[str, list[str]]
    answer: str
    error: str | None
    status: Literal["asking", "review", "saved", "cancelled"]
    spec: dict[str, Any]
    summary: str
    result: dict[str, Any]
    model_version: str


def _question_payload(state: IntakeState) -> dict[str, Any]:
    q = QUESTIONS[state.get("step", 0)]
    return {
        "kind": "intake_question",
        "key": q.key,
        "step": state.get("step", 0) + 1,
        "total": len(QUESTIONS),
        "question": q.text,
        "example": q.example,
        "error": state.get("error"),
    }


def ask(state: IntakeState) -> dict[str, Any]:
    """Interrupt with the current question; the resume value is the user's raw answer."""
    answer = interrupt(_question_payload(state))
    return {"answer": str(answer if answer is not None else "").strip(), "status": "asking"}


async def _parse(ctx: DeskContext, key: str, text: str, state: IntakeState) -> Parsed:
    today = to_ist(ctx.clock.now()).date()
    if ctx.llm is not None:
        return await parse_with_llm(ctx.llm, QUESTIONS[KEYS.index(key)], text, today)
    return parse_answer(key, text, today)


async def parse(state: IntakeState, runtime: Runtime[DeskContext]) -> dict[str, Any]:
    """Turn the raw answer into fields, or set an error that makes `ask` re-ask with an example."""
    text, step = state.get("answer", ""), state.get("step", 0)
    if text.lower() in CANCEL:
        return {"status": "cancelled", "error": None}
    if text.lower() in BACK:
        return {"step": max(0, step - 1), "error": None}
    key = KEYS[step]
    try:
        parsed = await _parse(runtime.context, key, text, state)
    except AnswerError as exc:
        return {"error": f"{exc} For example: {QUESTIONS[step].example}"}
    fields = {**state.get("fields", {}), key: parsed.fields}
    assumptions = {**state.get("assumptions", {}), key: parsed.assumptions}
    model = "intake-llm-v1" if runtime.context.llm is not None else MODEL_VERSION
    return {
        "step": len(QUESTIONS) if state.get("fixing") else step + 1,
        "fixing": False,
        "fields": fields,
        "assumptions": assumptions,
        "error": None,
        "model_version": model,
    }


def after_parse(state: IntakeState) -> str:
    if state.get("status") == "cancelled":
        return END
    return "ask" if state.get("step", 0) < len(QUESTIONS) else "draft"


def draft(state: IntakeState) -> dict[str, Any]:
    """Build the validated spec; a bad field sends the user back to the question that set it."""
    notes = [a for k in KEYS for a in state.get("assumptions", {}).get(k, [])]
    try:
        spec = build_spec(state.get("fields", {}), notes, owner=state.get("user", "demo"))
    except ValidationError as exc:
        key = FIELD_TO_KEY.get(exc.field or "", "name")
        return {
            "step": KEYS.index(key),
            "fixing": True,
            "error": f"{exc} For example: {QUESTIONS[KEYS.index(key)].example}",
        }
    return {
        "spec": spec.model_dump(mode="json"),
        "summary": spec.mandate.summary or "",
        "status": "review",
        "error": None,
    }


def after_draft(state: IntakeState) -> str:
    return "review" if state.get("status") == "review" else "ask"


def _assumption_log(state: IntakeState) -> list[str]:
    log = state.get("spec", {}).get("mandate", {}).get("assumption_log", [])
    return [str(item.get("assumption", item)) for item in log]


def review(state: IntakeState) -> dict[str, Any]:
    """Interrupt with summary + assumption log; only an explicit yes lets `save` run."""
    reply = interrupt(
        {
            "kind": "intake_review",
            "summary": state.get("summary", ""),
            "assumptions": _assumption_log(state),
            "spec": state.get("spec", {}),
            "error": state.get("error"),
            "question": "Save this account? Reply yes, back (to change the last answer) or cancel.",
        }
    )
    text = str(reply or "").strip().lower()
    if text in YES:
        return {"status": "review", "answer": "yes", "error": None}
    if text in BACK:
        return {"status": "asking", "step": len(QUESTIONS) - 1, "error": None, "answer": text}
    if text in CANCEL or text in {"no", "n"}:
        return {"status": "cancelled", "answer": text, "error": None}
    return {"answer": text, "error": "Please reply yes, back or cancel."}


def after_review(state: IntakeState) -> str:
    if state.get("status") == "cancelled":
        return END
    if state.get("status") == "asking":
        return "ask"
    return "save" if state.get("answer") == "yes" else "review"


def save(state: IntakeState, runtime: Runtime[DeskContext]) -> dict[str, Any]:
    """Persist the confirmed account (the only side effect of the intake graph)."""
    spec = AccountSpec.model_validate(state["spec"])
    try:
        result = need(runtime.context.intake, "intake").save_account(
            spec, state.get("user", "demo")
        )
    except Conflict as exc:  # e.g. the name is taken: ask for another one, keep every answer
        example = QUESTIONS[0].example
        return {
            "status": "asking",
            "step": 0,
            "fixing": True,
            "error": f"{exc}. Choose another name, e.g. {example}",
        }
    return {"status": "saved", "result": result}


def after_save(state: IntakeState) -> str:
    return END if state.get("status") == "saved" else "ask"


def build_intake_graph() -> StateGraph[IntakeState, DeskContext, IntakeState, IntakeState]:
    """Return the uncompiled intake graph; compile it at the edge with a checkpointer."""
    g = StateGraph(IntakeState, context_schema=DeskContext)
    g.add_node("ask", ask)
    g.add_node("parse", parse)
    g.add_node("draft", draft)
    g.add_node("review", review)
    g.add_node("save", save)
    g.add_edge(START, "ask")
    g.add_edge("ask", "parse")
    g.add_conditional_edges("parse", after_parse, ["ask", "draft", END])
    g.add_conditional_edges("draft", after_draft, ["review", "ask"])
    g.add_conditional_edges("review", after_review, ["ask", "save", "review", END])
    g.add_conditional_edges("save", after_save, ["ask", END])
    return g
