"""Own the store-backed implementations of the graphs' runtime-context Protocols (graphs.context):
intake saving, research reads, card approval and execution hand-off, treasury proposals."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from agents.judge.judge import offline_judge
from core.canonical import canonical_json, sha256_hex, to_jsonable
from core.clock import Clock
from core.enums import AuditCategory, CardStatus, Direction
from core.errors import DeskError, NotFound
from core.pipeline import ApprovalDecision, Candidate, EvidenceLink
from store.audit import AuditLog, entries_for
from store.db import transaction
from store.models import EventRow, FeatureRow, SignalRow
from store.repos import events as events_repo
from store.repos import treasury as treasury_repo
from tools.accounts.access import grant, user_by_username
from tools.accounts.schemas import AccountSpec
from tools.accounts.service import create_account
from tools.alloc.cardmaker import make_cards
from tools.cards.approval import ApprovalService
from tools.cards.service import approval_request, get_card
from tools.treasury.transfers import TransferService

AWAITING = "APPROVAL_AWAITING"
CardMaker = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]
Executor = Callable[[int], Awaitable[Any]]
Sink = Callable[[dict[str, Any]], Awaitable[None]]


def plain(obj: Any) -> Any:
    """Dataclass / view → JSON-safe plain data (what the facade hands to bot, CLI and graphs)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return to_jsonable(dataclasses.asdict(obj))
    return to_jsonable(obj)


class StorePorts:
    """IntakePorts + ResearchPorts + CardPorts + TreasuryPorts over the store and tools."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        audit: AuditLog,
        *,
        card_maker: CardMaker | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.sessions, self.clock, self.audit = sessions, clock, audit
        self.card_maker, self.executor = card_maker, executor
        self.judge: Any = offline_judge()
        self.approvals = ApprovalService(clock, audit)
        self.transfers_svc = TransferService(clock, audit)
        self.card_sinks: list[Sink] = []
        self.proposal_sinks: list[Sink] = []

    # --- intake ---------------------------------------------------------------------------------
    def save_account(self, spec: AccountSpec, user: str) -> dict[str, Any]:
        """Create the account and give its creator view + approve rights, in one transaction."""
        with transaction(self.sessions) as s:
            view = create_account(s, self.audit, self.clock, spec, user)
            creator = user_by_username(s, user)
            if creator is not None:
                grant(s, self.audit, creator.id, view.id, can_approve=True)
        return {"account_id": view.id, "name": view.name}

    # --- research -------------------------------------------------------------------------------
    def event(self, event_id: int) -> dict[str, Any] | None:
        with self.sessions() as s:
            try:
                return plain(events_repo.get_event(s, event_id))  # type: ignore[no-any-return]
            except NotFound:
                return None

    def recent_events(self, symbol: str, limit: int) -> list[dict[str, Any]]:
        with self.sessions() as s:
            return [plain(e) for e in events_repo.recent_events(s, symbol=symbol, limit=limit)]

    def similar_events(self, event_id: int, limit: int) -> list[dict[str, Any]]:
        with self.sessions() as s:
            row = s.get(EventRow, event_id)
            if row is None or row.embedding is None:
                return []
            found = events_repo.similar_events(s, row.embedding, k=limit, exclude_id=event_id)
            return [plain(e) for e in found]

    def features(self, symbol: str) -> dict[str, Any] | None:
        with self.sessions() as s:
            row = (
                s.query(FeatureRow)
                .filter(FeatureRow.symbol == symbol, FeatureRow.timestamp <= self.clock.now())
                .order_by(FeatureRow.timestamp.desc())
                .first()
            )
            if row is None:
                return None
            cols = [c.key for c in FeatureRow.__table__.columns]
            return to_jsonable({c: getattr(row, c) for c in cols})  # type: ignore[no-any-return]

    def signals(self, symbol: str, limit: int) -> list[dict[str, Any]]:
        with self.sessions() as s:
            rows = (
                s.query(SignalRow)
                .filter(SignalRow.symbol == symbol)
                .order_by(SignalRow.generated_at.desc(), SignalRow.id.desc())
                .limit(limit)
                .all()
            )
            cols = (
                "id",
                "symbol",
                "strategy",
                "direction",
                "edge",
                "confidence",
                "horizon_days",
                "quality_score",
                "status",
                "generated_at",
                "event_id",
            )
            return [to_jsonable({c: getattr(r, c) for c in cols}) for r in rows]

    # --- cards ----------------------------------------------------------------------------------
    def make_card(self, request: dict[str, Any], evidence: dict[str, Any]) -> dict[str, Any]:
        """Judge + guardrails for one account's candidate (the card maker's steps), citing the
        researcher's links; a configured `card_maker` replaces this."""
        if self.card_maker is not None:
            return self.card_maker(request, evidence)
        if not request.get("candidate"):
            return {"card_id": None, "status": "SKIPPED", "reason": "no candidate in the request"}
        cand = candidate_from_dict(request["candidate"], evidence.get("links", []))
        with transaction(self.sessions) as s:
            run = make_cards(
                s,
                self.clock,
                self.audit,
                [cand],
                self.judge,
                accounts=[int(request["account_id"])],
                propose_transfers=False,
            )
        if not run.cards:
            reasons = "; ".join(d.reason for d in run.dropped) or "nothing sized"
            return {"card_id": None, "status": "DROPPED", "reason": reasons}
        card = run.cards[0]
        return {
            "card_id": card.id,
            "status": card.status,
            "reason": "; ".join(str(w) for w in card.risk_warnings or []),
        }

    def approval_request(self, card_id: int) -> dict[str, Any]:
        with self.sessions() as s:
            return plain(approval_request(get_card(s, card_id)))  # type: ignore[no-any-return]

    def _record_thread(self, graph: str, thread_id: str, **ids: Any) -> None:
        with transaction(self.sessions) as s:
            self.audit.append(
                s,
                AWAITING,
                {"graph": graph, "thread_id": thread_id, **ids},
                category=AuditCategory.APPROVAL,
                trade_card_id=ids.get("card_id"),
            )

    def thread_for(self, graph: str, object_id: int) -> str | None:
        """The graph thread waiting on this card/proposal, from the audit trail (newest wins)."""
        key = "card_id" if graph == "judge" else "proposal_id"
        where = {"trade_card_id": object_id} if graph == "judge" else {}
        with self.sessions() as s:
            rows = [
                e
                for e in entries_for(s, action_type=AWAITING, **where)
                if e.payload.get("graph") == graph and e.payload.get(key) == object_id
            ]
        return str(rows[-1].payload["thread_id"]) if rows else None

    def awaiting_ids(self, graph: str) -> set[int]:
        """Ids of every card (judge) or proposal (treasurer) that ever had an approval thread."""
        key = "card_id" if graph == "judge" else "proposal_id"
        with self.sessions() as s:
            return {
                int(e.payload[key])
                for e in entries_for(s, action_type=AWAITING)
                if e.payload.get("graph") == graph and e.payload.get(key) is not None
            }

    async def card_ready(self, card_id: int, thread_id: str) -> None:
        self._record_thread("judge", thread_id, card_id=card_id)
        if self.card_sinks:
            card = self.card_payload(card_id)
            for sink in self.card_sinks:
                await sink(card)

    def card_payload(self, card_id: int) -> dict[str, Any]:
        with self.sessions() as s:
            card = get_card(s, card_id)
            return {**plain(card), "summary": approval_request(card).summary}

    def decide(self, card_id: int, decision: dict[str, Any]) -> dict[str, Any]:
        """Apply through the one ApprovalService; refusals come back as data, nothing changed."""
        try:
            d = ApprovalDecision(
                action=str(decision.get("action", "")),
                decided_by=str(decision["decided_by"]),
                content_hash=str(decision.get("content_hash", "")),
                reason=decision.get("reason"),
                quantity=decision.get("quantity"),
                via=str(decision.get("via", "cli")),
            )
            with transaction(self.sessions) as s:
                card = self.approvals.decide(s, card_id, d, int(decision["user_id"]))
            return {"ok": True, "status": card.status, "message": f"card {card_id} {card.status}"}
        except (DeskError, KeyError, ValueError, TypeError) as exc:
            return {
                "ok": False,
                "status": self._card_status(card_id),
                "message": str(exc),
                "error": type(exc).__name__,
            }

    def _card_status(self, card_id: int) -> str:
        with self.sessions() as s:
            try:
                card = get_card(s, card_id)
            except NotFound:
                return "MISSING"
        if (
            card.status == CardStatus.PENDING
            and card.expires_at is not None
            and self.clock.now() >= card.expires_at
        ):
            return CardStatus.EXPIRED.value
        return str(card.status)

    async def execute(self, card_id: int) -> dict[str, Any]:
        if self.executor is None:
            return {"ok": False, "message": "execution is not configured in this process"}
        try:
            result = await self.executor(card_id)
        except DeskError as exc:
            return {"ok": False, "message": str(exc), "error": type(exc).__name__}
        return {"ok": True, "result": plain(result) if result is not None else None}

    # --- treasury -------------------------------------------------------------------------------
    def propose(self, request: dict[str, Any]) -> list[int]:
        with transaction(self.sessions) as s:
            p = self.transfers_svc.propose_transfer(
                s,
                int(request["from_account_id"]),
                int(request["to_account_id"]),
                Decimal(str(request["amount"])),
                reason=str(request.get("reason", "")),
            )
        return [p.id]

    def proposal_request(self, proposal_id: int) -> dict[str, Any]:
        with self.sessions() as s:
            p = treasury_repo.proposal_view(treasury_repo.proposal_row(s, proposal_id))
        acct = p.to_account_id or p.from_account_id
        summary = (
            f"{p.kind} ₹{p.amount}: account {p.from_account_id or '-'} → {p.to_account_id or '-'}"
        )
        return plain(  # type: ignore[no-any-return]
            {
                "kind": "transfer",
                "object_id": p.id,
                "account_id": acct,
                "content_hash": proposal_hash(p),
                "expires_at": p.expires_at,
                "allowed_actions": ("approve", "reject"),
                "summary": summary,
                "proposal": plain(p),
            }
        )

    async def proposal_ready(self, proposal_id: int, thread_id: str) -> None:
        self._record_thread("treasurer", thread_id, proposal_id=proposal_id)
        payload = self.proposal_request(proposal_id)
        for sink in self.proposal_sinks:
            await sink(payload)

    def decide_proposal(self, proposal_id: int, decision: dict[str, Any]) -> dict[str, Any]:
        try:
            if decision.get("content_hash") != self.proposal_request(proposal_id)["content_hash"]:
                raise DeskError("the proposal changed since it was shown; open it again")
            with transaction(self.sessions) as s:
                p = self.transfers_svc.decide(
                    s,
                    proposal_id,
                    approve=decision.get("action") == "approve",
                    user=str(decision["decided_by"]),
                    reason=decision.get("reason"),
                )
            return {"ok": True, "status": p.status, "message": f"proposal {p.id} {p.status}"}
        except (DeskError, KeyError) as exc:
            with self.sessions() as s:
                status = treasury_repo.proposal_row(s, proposal_id).status
            return {"ok": False, "status": status, "message": str(exc)}


def candidate_from_dict(data: dict[str, Any], links: list[dict[str, Any]]) -> Candidate:
    """Rebuild a Candidate from its JSON form (graph state is checkpointed as JSON), adding the
    researcher's links to its evidence."""
    d = dict(data)
    d["direction"] = Direction(d["direction"])
    d["ref_price"] = Decimal(str(d["ref_price"]))
    for key in ("generated_at", "expires_at", "event_timestamp"):
        if isinstance(d.get(key), str):
            d[key] = datetime.fromisoformat(d[key])
    own = [EvidenceLink(**e) for e in d.get("evidence", ())]
    extra = [
        EvidenceLink(str(x.get("kind", "")), str(x["url"]), str(x.get("title", "")))
        for x in links
        if x.get("url") and x["url"] not in {e.url for e in own}
    ]
    d["evidence"] = (*own, *extra)
    d["thesis_bullets"] = tuple(d.get("thesis_bullets", ()))
    return Candidate(**d)


def proposal_hash(p: Any) -> str:
    """Hash of what the approver sees of a proposal (amount, accounts, kind, expiry)."""
    return sha256_hex(
        canonical_json(
            plain(
                {
                    "id": p.id,
                    "kind": p.kind,
                    "amount": p.amount,
                    "from": p.from_account_id,
                    "to": p.to_account_id,
                    "expires_at": p.expires_at,
                }
            )
        )
    )
