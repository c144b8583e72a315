"""Own sign-in for the server-rendered pages: argon2 password check, the signed session cookie,
per-session CSRF tokens on every form, and the redirect to /login for anonymous visitors."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, Response, status
from sqlalchemy.orm import Session

from app.web.deps import (
    SESSION_COOKIE,
    SESSION_MAX_AGE_S,
    ContainerDep,
    SessionDep,
    read_session,
    sign_session,
)
from core.errors import AccessDenied, NotFound
from tools.accounts.access import UserView, authenticate, get_user

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class CsrfRejected(AccessDenied):
    """A state-changing request without the session's CSRF token (rendered as 403)."""

    def __init__(self) -> None:
        super().__init__("missing or wrong CSRF token: reload the page and try again")


def sign_in(
    request: Request,
    container: ContainerDep,
    session: Session,
    response: Response,
    username: str,
    password: str,
) -> UserView | None:
    """Check the password (argon2); on success set a fresh signed session cookie (Secure when
    the request came over https, e.g. behind a TLS proxy)."""
    user = authenticate(session, username.strip(), password)
    if user is None:
        return None
    token = secrets.token_urlsafe(24)
    response.set_cookie(
        SESSION_COOKIE,
        sign_session(container, user.id, token),
        max_age=SESSION_MAX_AGE_S,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return user


def sign_out(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE)


def session_data(request: Request, container: ContainerDep) -> dict[str, object] | None:
    return read_session(container, request.cookies.get(SESSION_COOKIE))


def csrf_token(request: Request, container: ContainerDep) -> str:
    """The CSRF token bound to this browser session ('' when signed out)."""
    data = session_data(request, container)
    token = data.get("csrf") if data else None
    return token if isinstance(token, str) else ""


def check_csrf(request: Request, container: ContainerDep, sent: str | None) -> None:
    """Refuse the request unless `sent` (form field or header) equals the session's token."""
    expected = csrf_token(request, container)
    candidate = sent or request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(candidate.encode(), expected.encode()):
        raise CsrfRejected()


def page_user(request: Request, container: ContainerDep, session: SessionDep) -> UserView:
    """The signed-in user; anonymous visitors are redirected to the sign-in page."""
    data = session_data(request, container)
    uid = data.get("uid") if data else None
    if isinstance(uid, int):
        try:
            user = get_user(session, uid)
        except NotFound:
            user = None
        if user is not None and user.is_active:
            return user
    if request.headers.get("hx-request"):  # a polled fragment: send the whole page to sign-in
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "sign in first", headers={"HX-Redirect": "/login"}
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise HTTPException(
        status.HTTP_303_SEE_OTHER,
        "sign in first",
        headers={"Location": f"/login?next={quote(target, safe='')}"},
    )


PageUser = Annotated[UserView, Depends(page_user)]


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target
