"""Own what every page shares: the Jinja2 environment and its filters, the page context (user,
CSRF token, SIMULATED banner, visible accounts) and the HTML error page for desk errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from app.web.auth import csrf_token
from core.clock import to_ist
from core.errors import AccessDenied, Conflict, DeskError, NotFound, RiskRefused, ValidationError
from tools.accounts.access import UserView, approvable_account_ids, visible_account_ids
from tools.accounts.service import list_accounts
from tools.reports.markdown import inr, pct

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
_STATUS = (
    (NotFound, 404),
    (AccessDenied, 403),
    (Conflict, 409),
    (RiskRefused, 409),
    (ValidationError, 422),
)


def ist(ts: datetime | None, fmt: str = "%d %b %H:%M:%S") -> str:
    return "—" if ts is None else to_ist(ts).strftime(fmt) + " IST"


def num(value: Decimal | float | int | None, places: int = 2) -> str:
    return "—" if value is None else f"{Decimal(str(value)):,.{places}f}"


def outbound(url: object) -> str:
    """Only http(s) links from feeds and models become clickable (no javascript: or data:)."""
    text = str(url or "")
    return text if text.lower().startswith(("https://", "http://")) else "#"


def trailing(config: dict[str, object] | None) -> str:
    """A trailing-stop config as short words (e.g. "after 1.0R, ATR × 1.5, gap ₹94.10")."""
    if not config or config.get("enabled") is False:
        return "off"
    parts = []
    if config.get("activate_after_r") is not None:
        parts.append(f"after {config['activate_after_r']}R")
    if config.get("atr_multiple") is not None:
        parts.append(f"ATR × {config['atr_multiple']}")
    if config.get("trailing_gap") is not None:
        parts.append(f"gap ₹{config['trailing_gap']}")
    known = {"enabled", "activate_after_r", "atr_multiple", "trailing_gap"}
    parts += [f"{k} {v}" for k, v in sorted(config.items()) if k not in known]
    return ", ".join(parts) or "on"


templates.env.filters.update(inr=inr, ist=ist, pct=pct, num=num, outbound=outbound,
                             trailing=trailing)


def container_of(request: Request) -> Any:
    return request.app.state.container


def is_simulated(request: Request) -> bool:
    """True whenever the market is simulated or replayed (the container decides from settings)."""
    return bool(getattr(container_of(request), "simulated", True))


def render(
    request: Request,
    name: str,
    user: UserView | None,
    session: Session | None,
    status_code: int = 200,
    **ctx: Any,
) -> HTMLResponse:
    """Render a template with the shared page context."""
    container = container_of(request)
    accounts = []
    approvable: set[int] = set()
    if user is not None and session is not None:
        accounts = list_accounts(session, visible_account_ids(session, user.id))
        approvable = approvable_account_ids(session, user.id)
    base = {
        "user": user,
        "csrf": csrf_token(request, container),
        "simulated": is_simulated(request),
        "nav_accounts": accounts,
        "approvable": approvable,
        "now": container.clock.now(),
        "path": request.url.path,
    }
    return templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status_code)


def status_for(exc: DeskError) -> int:
    for cls, code in _STATUS:
        if isinstance(exc, cls):
            return code
    return 400


def error_page(
    request: Request, exc: DeskError, user: UserView | None, session: Session | None
) -> HTMLResponse:
    """The desk error as a page with the right HTTP status; nothing was changed."""
    return render(
        request,
        "error.html",
        user,
        session,
        status_code=status_for(exc),
        message=str(exc),
        kind=type(exc).__name__,
    )


@contextmanager
def committing(session: Session) -> Iterator[Session]:
    """Commit the block's writes, or roll every one of them back on any error."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
