"""Own the audit pages: any trade explained from its card (event with source links, features,
signal, meta-label, judge rationale, approval, orders, fills, exits), each step with its audit hash,
and the "verify chain" button."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from app.web.auth import PageUser, check_csrf
from app.web.deps import SessionDep
from app.web.pages.common import container_of, error_page, render
from app.web.pages.positions import position_line
from core.errors import DeskError
from store.audit import AuditEntry, entries_for, verify_chain
from store.models import AuditLogRow, EventRow, FeatureRow, MetaLabelRow, SignalRow
from store.repos import orders as orders_repo
from store.repos import positions as positions_repo
from tools.accounts.access import require_viewer, visible_account_ids
from tools.cards.service import get_card, list_cards

router = APIRouter(tags=["pages"], include_in_schema=False)
FEATURE_FIELDS = (
    "close",
    "momentum_5d",
    "momentum_20d",
    "rsi_14",
    "atr_14d",
    "atr_percent",
    "gap_percent",
    "realized_vol_20d",
    "adv_20d_inr",
    "regime_label",
    "liquidity_regime",
    "pcr",
    "iv_rank",
    "fpi_flow_5d",
    "dii_flow_5d",
    "data_source",
)


def _entries(session: Any, card: Any) -> tuple[list[AuditEntry], dict[str, AuditEntry]]:
    """Every audit entry about the card, its signal and its triggering event, in chain order,
    and the entry that recorded each step (event, signal, card, decision, execution)."""
    own = entries_for(session, trade_card_id=card.id)

    def about_this_card(entries: list[AuditEntry]) -> list[AuditEntry]:
        # one signal or event can lead to cards for several accounts: keep only this card's
        return [e for e in entries if e.trade_card_id in (None, card.id)]

    by_signal = about_this_card(entries_for(session, signal_id=card.signal_id)
                                if card.signal_id else [])
    by_event = about_this_card(entries_for(session, event_id=card.event_id)
                               if card.event_id else [])
    found = {e.seq: e for e in [*own, *by_signal, *by_event]}
    steps: dict[str, AuditEntry] = {}
    for name, pool, pick in (
        ("event", by_event, lambda e: True),
        ("signal", by_signal, lambda e: e.trade_card_id is None),
        ("card", own, lambda e: e.action_type == "CARD_CREATED"),
        ("decision", own, lambda e: e.action_category == "APPROVAL"),
        ("execution", own, lambda e: e.action_category == "EXECUTION"),
    ):
        match = next((e for e in pool if pick(e)), None)
        if match is not None:
            steps[name] = match
    return [found[k] for k in sorted(found)], steps


def _fills(session: Any, orders: list[Any]) -> list[Any]:
    return [f for o in orders for f in orders_repo.fills_for_order(session, o.id)]


def _provenance(session: Any, card: Any) -> dict[str, Any]:
    signal = session.get(SignalRow, card.signal_id) if card.signal_id else None
    feature = (
        session.get(FeatureRow, signal.feature_snapshot_id)
        if signal is not None and signal.feature_snapshot_id
        else None
    )
    event_id = card.event_id or (signal.event_id if signal is not None else None)
    return {
        "event": session.get(EventRow, event_id) if event_id else None,
        "signal": signal,
        "features": [(f, getattr(feature, f)) for f in FEATURE_FIELDS] if feature else None,
        "feature_row": feature,
        "meta": session.get(MetaLabelRow, card.meta_label_id) if card.meta_label_id else None,
    }


@router.get("/audit/cards/{card_id}", response_class=HTMLResponse)
def card_timeline(
    request: Request, card_id: int, user: PageUser, session: SessionDep
) -> HTMLResponse:
    try:
        card = get_card(session, card_id)
        require_viewer(session, user.id, card.account_id)
    except DeskError as exc:
        return error_page(request, exc, user, session)
    orders = orders_repo.for_card(session, card_id)
    position = positions_repo.for_card(session, card_id)
    entries, steps = _entries(session, card)
    return render(
        request,
        "audit_card.html",
        user,
        session,
        card=card,
        entries=entries,
        steps=steps,
        orders=[orders_repo.order_view(o) for o in orders],
        fills=_fills(session, orders),
        position=position_line(position) if position else None,
        **_provenance(session, card),
    )


@router.get("/audit", response_class=HTMLResponse)
def audit_index(
    request: Request, user: PageUser, session: SessionDep, account: int | None = None
) -> HTMLResponse:
    visible = visible_account_ids(session, user.id)
    if account is not None:
        try:
            require_viewer(session, user.id, account)
        except DeskError as exc:
            return error_page(request, exc, user, session)
        visible = {account}
    rows = session.scalars(
        select(AuditLogRow)
        .where(AuditLogRow.account_id.in_(sorted(visible)))
        .order_by(AuditLogRow.seq.desc())
        .limit(100)
    )
    return render(
        request,
        "audit_index.html",
        user,
        session,
        account=account,
        cards=list_cards(session, visible, None, limit=50),
        recent=list(rows),
    )


@router.post("/audit/verify", response_class=HTMLResponse)
def verify(
    request: Request, user: PageUser, session: SessionDep, csrf_token: Annotated[str, Form()] = ""
) -> HTMLResponse:
    """Walk the whole hash chain; the result is rendered as a small fragment for htmx."""
    try:
        check_csrf(request, container_of(request), csrf_token)
    except DeskError as exc:
        return error_page(request, exc, user, session)
    return render(request, "_verify.html", user, session, result=verify_chain(session))
