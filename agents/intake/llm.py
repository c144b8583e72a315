"""Own the LLM path of the intake agent: restate a free-form answer, then parse it offline."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from agents.intake.offline import AnswerError, Parsed, parse_answer
from agents.intake.questions import Question
from agents.intake.schema import IntakeLLMOutput
from core.errors import LLMError

PROMPT_PATH = Path(__file__).resolve().parents[2] / "prompts" / "intake_v1.md"
PROMPT_VERSION = "intake_v1"
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.S)


def load_prompt() -> str:
    return PROMPT_PATH.read_text(encoding="utf-8")


def _content(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):
        content = "".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)
    return _FENCE.sub("", str(content).strip())


async def restate(llm: Any, question: Question, answer: str, today: date) -> IntakeLLMOutput:
    """Ask the chat model to restate `answer`; raise LLMError when it fails or returns junk."""
    user = json.dumps(
        {
            "question_key": question.key,
            "question": question.text,
            "example": question.example,
            "answer": answer,
            "today": today.isoformat(),
        }
    )
    try:
        reply = await llm.ainvoke([("system", load_prompt()), ("user", user)])
        return IntakeLLMOutput.model_validate_json(_content(reply))
    except PydanticValidationError as exc:
        raise LLMError(f"intake LLM returned invalid output: {exc.errors()[0]['msg']}") from exc
    except Exception as exc:
        raise LLMError(f"intake LLM call failed: {type(exc).__name__}") from exc


async def parse_with_llm(llm: Any, question: Question, answer: str, today: date) -> Parsed:
    """Parse via the model's restatement; fall back to the raw answer if the model fails.

    The offline parser always produces the numbers, so the model can never invent a value the
    parser would not accept.
    """
    try:
        out = await restate(llm, question, answer, today)
    except LLMError:
        return parse_answer(question.key, answer, today)
    if not out.understood:
        raise AnswerError(out.reask or "I did not understand that.")
    try:
        parsed = parse_answer(question.key, out.canonical, today)
    except AnswerError:
        parsed = parse_answer(question.key, answer, today)
    return Parsed(parsed.fields, [*out.assumptions, *parsed.assumptions])
