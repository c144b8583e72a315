"""Own the card run: for each active account, filter → rank → size → guardrails → judge → card.
Each step is a separate function so the judge graph can call them one by one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from core.clock import Clock, to_ist
from core.enums import AccountStatus, AuditCategory
from core.errors import NotFound
from core.pipeline import Candidate, DroppedCandidate, EvidenceLink, SizedCandidate
from store.audit import AuditLog
from store.models import EventRow
from store.repos import events as events_repo
from store.repos.treasury import ProposalView
from tools.accounts.service import current_funding_plan, current_mandate, list_accounts
from tools.accounts.views import FundingPlanView, MandateView
from tools.alloc.allocator import Allocation, allocate
from tools.alloc.blackout import BlackoutCalendar, from_events
from tools.alloc.book import AccountBook, instrument_for, load_book, load_instruments
from tools.alloc.filters import sector_of
from tools.alloc.judging import Judge, JudgeInput, JudgeVerdict, SimilarEvent
from tools.alloc.playbook import overrides, select_for
from tools.cards.service import CardView, create_card
from tools.guardrails import GuardrailContext, run_guardrails
from tools.treasury.deployable import deployable_cash
from tools.treasury.fills import FillLedger
from tools.treasury.transfers import TransferService

SimilarFn = Callable[[Session, Candidate], Sequence[SimilarEvent]]


@dataclass(frozen=True, slots=True)
class AccountInputs:
    mandate: MandateView
    plan: FundingPlanView | None
    book: AccountBook


@dataclass
class CardRun:
    """What a run produced: cards (PENDING or BLOCKED), drops with reasons, transfer proposals."""

    cards: list[CardView] = field(default_factory=list)
    dropped: list[DroppedCandidate] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    proposals: list[ProposalView] = field(default_factory=list)
    fallbacks: int = 0


def account_inputs(session: Session, account_id: int) -> AccountInputs:
    """Mandate, funding plan and the allocator's book for one account."""
    mandate = current_mandate(session, account_id)
    try:
        plan: FundingPlanView | None = current_funding_plan(session, account_id)
    except NotFound:
        plan = None
    return AccountInputs(mandate, plan, load_book(session, account_id, plan))


def record_allocation(session: Session, audit: AuditLog, alloc: Allocation) -> None:
    """One ALLOCATION audit entry per account run: what was sized and every drop's reason."""
    audit.append(session, "ALLOCATION_RUN", {
        "sized": [{"signal_id": s.candidate.signal_id, "symbol": s.candidate.symbol,
                   "quantity": s.quantity, "entry": s.entry_price, "stop": s.stop_loss,
                   "target": s.take_profit, "risk": s.risk_amount, "value": s.position_size_inr,
                   "rank_score": s.rank_score, "notes": list(s.sizing_notes)}
                  for s in alloc.sized],
        "dropped": [{"signal_id": d.signal_id, "symbol": d.symbol, "reason": d.reason}
                    for d in alloc.dropped],
        "shortfalls": [{"signal_id": x.signal_id, "needed": x.needed_inr}
                       for x in alloc.shortfalls],
    }, category=AuditCategory.ALLOCATION, account_id=alloc.account_id)


def evidence_for(session: Session, c: Candidate) -> tuple[EvidenceLink, ...]:
    """The candidate's links, the triggering filing/article, and always the signal itself."""
    links: dict[str, EvidenceLink] = {e.url: e for e in c.evidence if e.url}
    if c.event_id is not None:
        ev = session.get(EventRow, c.event_id)
        if ev is not None:
            for kind, url in (("event", ev.source_url), ("filing", ev.artifact_url)):
                if url and url not in links:
                    links[url] = EvidenceLink(kind, url, ev.title or "")
    sig = f"desk://signals/{c.signal_id}"
    links.setdefault(sig, EvidenceLink("signal", sig, f"{c.strategy} signal {c.model_version}"))
    return tuple(links.values())


def default_similar(session: Session, c: Candidate) -> Sequence[SimilarEvent]:
    """Up to four earlier events nearest to the trigger's embedding (none without a trigger)."""
    if c.event_id is None:
        return ()
    ev = session.get(EventRow, c.event_id)
    if ev is None or ev.embedding is None:
        return ()
    found = events_repo.similar_events(session, ev.embedding, k=4, end=ev.event_timestamp,
                                       exclude_id=ev.id)
    return tuple(SimilarEvent(s.title or "", s.source_url or "", s.event_type, s.similarity,
                              s.return_5d_pct) for s in found)


def _event_dicts(session: Session, c: Candidate) -> tuple[dict[str, Any], ...]:
    if c.event_id is None:
        return ()
    ev = session.get(EventRow, c.event_id)
    if ev is None:
        return ()
    return ({"id": ev.id, "title": ev.title, "url": ev.source_url, "type": ev.event_type,
             "source": ev.source, "time": ev.event_timestamp},)


def judge_input(session: Session, s: SizedCandidate, inputs: AccountInputs,
                guardrails: Sequence[Any], similar: SimilarFn, playbook: Any) -> JudgeInput:
    c, m = s.candidate, inputs.mandate
    return JudgeInput(
        sized=s, guardrails=tuple(guardrails), evidence=evidence_for(session, c),
        mandate={"objective": m.objective, "risk_per_trade_percent": m.risk_per_trade_percent,
                 "horizon_days": [m.horizon_min_days, m.horizon_max_days],
                 "banned_sectors": list(m.banned_sectors), "summary": m.summary},
        features={"atr": c.atr, "volatility_pct": c.volatility_pct, "rsi_14": c.rsi_14,
                  "adv_inr": c.adv_inr, "regime": c.regime_label,
                  "liquidity_regime": c.liquidity_regime, "edge_pct": c.edge_pct,
                  "tp_probability": c.tp_probability, "sl_probability": c.sl_probability,
                  "thesis_bullets": list(c.thesis_bullets)},
        meta_label={"id": c.meta_label_id, "quality": c.quality_score,
                    "trustworthy": c.is_trustworthy},
        events=_event_dicts(session, c), similar=tuple(similar(session, c)),
        playbook=overrides(playbook) or None)


def card_priority(s: SizedCandidate) -> int:
    """0–100, rising with the rank score (saturating) plus a playbook boost."""
    base = 100.0 * s.rank_score / (1.0 + s.rank_score) if s.rank_score > 0 else 0.0
    boost = float(s.playbook_overrides.get("priority_boost") or 0.0)
    return max(0, min(100, round(base * (1.0 + boost))))


def _verdict_audit(session: Session, audit: AuditLog, s: SizedCandidate, v: JudgeVerdict) -> None:
    if v.fallback_used or v.dropped_links or v.notes:
        audit.append(session, "JUDGE_FALLBACK" if v.fallback_used else "JUDGE_LINKS_DROPPED",
                     {"signal_id": s.candidate.signal_id, "model_version": v.model_version,
                      "dropped_links": list(v.dropped_links), "notes": list(v.notes)},
                     category=AuditCategory.JUDGE, account_id=s.account_id,
                     signal_id=s.candidate.signal_id, model_version=v.model_version)


class CardMaker:
    """Runs the steps for a batch of candidates across accounts."""

    def __init__(self, clock: Clock, audit: AuditLog, judge: Judge, *, ttl_minutes: int = 60,
                 similar: SimilarFn = default_similar, propose_transfers: bool = True) -> None:
        self._clock, self._audit, self._judge = clock, audit, judge
        self._ttl, self._similar, self._propose = ttl_minutes, similar, propose_transfers

    def run(self, session: Session, candidates: Iterable[Candidate],
            accounts: Iterable[int] | None = None,
            blackout: BlackoutCalendar | None = None) -> CardRun:
        cands = list(candidates)
        FillLedger(self._clock, self._audit).sync(session)  # positions opened since last sync
        ids = list(accounts) if accounts is not None else [
            a.id for a in list_accounts(session, include_closed=False)
            if a.status == AccountStatus.ACTIVE.value]
        today = to_ist(self._clock.now()).date()
        cal = blackout if blackout is not None else from_events(
            session, {c.symbol for c in cands}, today)
        playbooks = {c.signal_id: select_for(session, c) for c in cands}
        refs = load_instruments(session, {c.symbol for c in cands})
        run = CardRun()
        for acc in ids:
            self._account(session, acc, cands, cal, playbooks, refs, run)
        if self._propose:
            self._transfers(session, run)
        return run

    def _account(self, session: Session, acc: int, cands: list[Candidate],
                 cal: BlackoutCalendar, playbooks: dict[int, Any], refs: Any,
                 run: CardRun) -> None:
        inputs = account_inputs(session, acc)
        alloc = allocate(cands, inputs.mandate, inputs.book, refs, cal, self._clock.now(),
                         playbooks)
        record_allocation(session, self._audit, alloc)
        run.allocations.append(alloc)
        run.dropped.extend(alloc.dropped)
        earlier: list[SizedCandidate] = []
        for s in alloc.sized:
            ref_sector = sector_of(s.candidate, instrument_for(refs, s.candidate.symbol,
                                                                s.candidate.sector))
            ctx = GuardrailContext(inputs.mandate, inputs.book, cal, self._clock.now(),
                                   ref_sector, tuple(earlier))
            card = self.make_card(session, s, inputs, run_guardrails(s, ctx),
                                  playbooks.get(s.candidate.signal_id))
            run.fallbacks += 1 if card[1].fallback_used else 0
            run.cards.append(card[0])
            earlier.append(s)

    def make_card(self, session: Session, s: SizedCandidate, inputs: AccountInputs,
                  guardrails: list[Any], playbook: Any) -> tuple[CardView, JudgeVerdict]:
        """Judge one sized candidate and write its card (BLOCKED if a hard guardrail failed)."""
        verdict = self._judge(judge_input(session, s, inputs, guardrails, self._similar,
                                          playbook))
        _verdict_audit(session, self._audit, s, verdict)
        card = create_card(
            session, self._audit, self._clock, sized=s, thesis=verdict.thesis,
            risks=list(verdict.risks), confidence=verdict.confidence,
            evidence_links=[{"kind": e.kind, "url": e.url, "title": e.title}
                            for e in verdict.evidence],
            judge_rationale=verdict.rationale, model_version=verdict.model_version,
            guardrails=guardrails, ttl_minutes=self._ttl, priority=card_priority(s))
        return card, verdict

    def _transfers(self, session: Session, run: CardRun) -> None:
        shortfalls = [x for a in run.allocations for x in a.shortfalls]
        if not shortfalls:
            return
        plans: dict[int, FundingPlanView | None] = {}

        def lendable(acc: int) -> Any:
            if acc not in plans:
                try:
                    plans[acc] = current_funding_plan(session, acc)
                except NotFound:
                    plans[acc] = None
            return deployable_cash(session, acc, plans[acc])

        svc = TransferService(self._clock, self._audit)
        run.proposals.extend(svc.propose_for_shortfalls(session, shortfalls, lendable))


def make_card_for_account(
    session: Session, clock: Clock, audit: AuditLog, candidate: Candidate, account_id: int,
    judge: Judge, **kwargs: Any,
) -> dict[str, Any]:
    """One candidate for one account (the judge graph's node): {card_id, status, reason}."""
    kwargs.setdefault("propose_transfers", False)
    blackout = kwargs.pop("blackout", None)
    run = CardMaker(clock, audit, judge, **kwargs).run(session, [candidate], [account_id],
                                                        blackout)
    if run.cards:
        card = run.cards[0]
        reason = "; ".join(w["detail"] for w in card.risk_warnings or [] if w.get("hard"))
        return {"card_id": card.id, "status": card.status, "reason": reason or None}
    reason = run.dropped[0].reason if run.dropped else "not sized"
    return {"card_id": None, "status": "DROPPED", "reason": reason}


def make_cards(session: Session, clock: Clock, audit: AuditLog, candidates: Iterable[Candidate],
               judge: Judge, accounts: Iterable[int] | None = None, **kwargs: Any) -> CardRun:
    """The contract entry point: cards for every active account (or the given ones)."""
    blackout = kwargs.pop("blackout", None)
    return CardMaker(clock, audit, judge, **kwargs).run(session, candidates, accounts, blackout)
