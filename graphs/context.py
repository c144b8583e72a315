"""Own the runtime context of every graph: the Protocols through which nodes reach the desk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from core.clock import Clock
from tools.accounts.schemas import AccountSpec


class IntakePorts(Protocol):
    """What the intake graph needs: saving a confirmed account."""

    def save_account(self, spec: AccountSpec, user: str) -> dict[str, Any]:
        """Create account + mandate v1 + funding plan atomically; return {account_id, name}."""
        ...


class ResearchPorts(Protocol):
    """Read-only evidence for the researcher: events, tags, features, signals, similar events."""

    def event(self, event_id: int) -> dict[str, Any] | None: ...

    def recent_events(self, symbol: str, limit: int) -> list[dict[str, Any]]: ...

    def similar_events(self, event_id: int, limit: int) -> list[dict[str, Any]]: ...

    def features(self, symbol: str) -> dict[str, Any] | None: ...

    def signals(self, symbol: str, limit: int) -> list[dict[str, Any]]: ...


class CardPorts(Protocol):
    """What the judge graph needs: make a card, show it, apply a decision, execute it."""

    def make_card(self, request: dict[str, Any], evidence: dict[str, Any]) -> dict[str, Any]:
        """Run judge + guardrails for one account; return {card_id, status, reason}."""
        ...

    def approval_request(self, card_id: int) -> dict[str, Any]:
        """Return the ApprovalRequest-shaped payload of a PENDING card."""
        ...

    async def card_ready(self, card_id: int, thread_id: str) -> None:
        """Record which thread waits for the card's approval and tell its humans."""
        ...

    def decide(self, card_id: int, decision: dict[str, Any]) -> dict[str, Any]:
        """Apply an ApprovalDecision-shaped dict through the approval service; raise on refusal."""
        ...

    async def execute(self, card_id: int) -> dict[str, Any]:
        """Send the approved card's orders (idempotent); return a short outcome."""
        ...


class TreasuryPorts(Protocol):
    """What the treasurer graph needs: proposals, their approval payloads and decisions."""

    def propose(self, request: dict[str, Any]) -> list[int]: ...

    def proposal_request(self, proposal_id: int) -> dict[str, Any]: ...

    async def proposal_ready(self, proposal_id: int, thread_id: str) -> None: ...

    def decide_proposal(self, proposal_id: int, decision: dict[str, Any]) -> dict[str, Any]: ...


@dataclass(frozen=True)
class DeskContext:
    """Handed to every node as `runtime.context`; missing ports make the node fail clearly."""

    clock: Clock
    intake: IntakePorts | None = None
    research: ResearchPorts | None = None
    cards: CardPorts | None = None
    treasury: TreasuryPorts | None = None
    llm: Any = None  # a LangChain chat model, or None for the offline twins


def need(port: Any, name: str) -> Any:
    """Return a configured port or fail with a message naming it."""
    if port is None:
        raise RuntimeError(f"DeskContext.{name} is not configured for this graph run")
    return port
