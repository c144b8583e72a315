"""Own the approval queue and card pages: thesis, evidence, guardrails, risks, size, brackets, and
approve / reject (with reason) / reduce through the same facade and rules as Telegram."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.web.auth import PageUser, check_csrf
from app.web.deps import SessionDep
from app.web.pages.common import container_of, error_page, render
from app.web.pages.facade import facade_for, principal, status_of
from app.web.pages.positions import position_line
from core.enums import CardStatus
from core.errors import DeskError, ValidationError
from store.models import PlaybookRow
from store.repos import orders as orders_repo
from store.repos import positions as positions_repo
from tools.accounts.access import UserView, require_viewer, visible_account_ids
from tools.accounts.service import get_account
from tools.cards.service import GUARDRAIL_COLUMNS, CardView, get_card, list_cards

router = APIRouter(tags=["pages"], include_in_schema=False)
GUARDRAIL_LABELS = {
    "liquidity": "Liquidity (ADV floor)",
    "risk_cap": "Risk per trade within mandate",
    "exposure": "Sector / portfolio exposure",
    "banned_window": "Outside banned / results window",
    "regime": "Regime compatible",
    "catalyst_fresh": "Catalyst is fresh",
    "overbought": "Not overbought",
}
DONE = {"APPROVED": "Card approved.", "REJECTED": "Card rejected; reason stored."}


def guardrails(card: CardView) -> list[tuple[str, bool | None]]:
    """The checklist: each guardrail's label and whether it passed (None = not evaluated)."""
    return [
        (GUARDRAIL_LABELS[name], getattr(card, column))
        for name, column in GUARDRAIL_COLUMNS.items()
    ]


@router.get("/cards", response_class=HTMLResponse)
def queue(
    request: Request,
    user: PageUser,
    session: SessionDep,
    account: int | None = None,
    status: str = CardStatus.PENDING.value,
) -> HTMLResponse:
    visible = visible_account_ids(session, user.id)
    if account is not None:
        try:
            require_viewer(session, user.id, account)
        except DeskError as exc:
            return error_page(request, exc, user, session)
        visible = {account}
    wanted = None if status == "ALL" else status
    cards = list_cards(session, visible, wanted)
    names = {a: get_account(session, a).name for a in {c.account_id for c in cards}}
    return render(
        request,
        "cards.html",
        user,
        session,
        cards=cards,
        names=names,
        account=account,
        status=status,
        guardrails=guardrails,
        statuses=["PENDING", "APPROVED", "EXECUTED", "REJECTED", "EXPIRED", "BLOCKED", "ALL"],
    )


def _card_context(session: Any, card: CardView) -> dict[str, Any]:
    playbook = session.get(PlaybookRow, card.playbook_id) if card.playbook_id else None
    position = positions_repo.for_card(session, card.id)
    return {
        "card": card,
        "account": get_account(session, card.account_id),
        "checklist": guardrails(card),
        "playbook": playbook.name if playbook else None,
        "orders": [orders_repo.order_view(o) for o in orders_repo.for_card(session, card.id)],
        "position": position_line(position) if position else None,
    }


@router.get("/cards/{card_id}", response_class=HTMLResponse)
def card_page(
    request: Request,
    card_id: int,
    user: PageUser,
    session: SessionDep,
    done: str | None = None,
    execution: str | None = None,
) -> HTMLResponse:
    try:
        card = get_card(session, card_id)
        require_viewer(session, user.id, card.account_id)
    except DeskError as exc:
        return error_page(request, exc, user, session)
    flash = DONE.get(done or "")
    if flash and execution:
        flash += f" Execution: {execution}"
    expired = card.expires_at is not None and container_of(request).clock.now() >= card.expires_at
    return render(
        request,
        "card.html",
        user,
        session,
        flash=flash,
        expired=expired,
        **_card_context(session, card),
    )


def _quantity(text: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError(f"{text!r} is not a whole number of shares", "quantity") from None


def _execution_note(result: dict[str, Any]) -> str | None:
    execution = result.get("execution")
    if not isinstance(execution, dict):
        return None
    if execution.get("ok"):
        return "orders sent to the broker."
    return f"not sent — {execution.get('message', 'unknown reason')}"


@router.post("/cards/{card_id}/decide", response_model=None)
async def decide(
    request: Request,
    card_id: int,
    user: PageUser,
    session: SessionDep,
    action: Annotated[str, Form()],
    card_hash: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    quantity: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    try:
        check_csrf(request, container_of(request), csrf_token)
        qty = _quantity(quantity) if action == "reduce" else None
        facade = facade_for(request)
        result = await facade.decide_card(
            principal(facade, user),
            card_id,
            action,
            card_hash,
            reason=reason.strip() or None,
            quantity=qty,
            via="web",
        )
    except DeskError as exc:
        return error_page(request, exc, user, session)
    if not result.get("ok"):
        return _refused(request, user, session, result)
    query = {"done": str(result.get("status", ""))}
    note = _execution_note(result)
    if note:
        query["execution"] = note
    return RedirectResponse(f"/cards/{card_id}?{urlencode(query)}", status_code=303)


def _refused(
    request: Request, user: UserView, session: Any, result: dict[str, Any]
) -> HTMLResponse:
    return render(
        request,
        "error.html",
        user,
        session,
        status_code=status_of(result),
        message=str(result.get("message", "refused")),
        kind=str(result.get("error", "Refused")),
    )
