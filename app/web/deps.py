"""Own the web layer's shared dependencies: the container, DB sessions, the signed session cookie
and the current user (session cookie for pages, HTTP Basic for scripts)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from app.bootstrap import Container
from tools.accounts.access import UserView, authenticate, get_user

SESSION_COOKIE = "desk_session"
SESSION_MAX_AGE_S = 12 * 3600


def get_container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


ContainerDep = Annotated[Container, Depends(get_container)]


def get_session(container: ContainerDep) -> Iterator[Session]:
    """One session per request; the route commits explicitly (or uses session.begin())."""
    with container.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@contextmanager
def committing(session: Session) -> Iterator[Session]:
    """Commit what the block wrote, or roll all of it back on any error (nothing half-written)."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _serializer(container: Container) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(container.settings.secret_key.get_secret_value(),
                                  salt="desk-session")


def sign_session(container: Container, user_id: int, csrf: str) -> str:
    """The cookie value for a signed-in user: user id + that session's CSRF token, signed."""
    return _serializer(container).dumps({"uid": user_id, "csrf": csrf})


def read_session(container: Container, value: str | None) -> dict[str, object] | None:
    if not value:
        return None
    try:
        data = _serializer(container).loads(value, max_age=SESSION_MAX_AGE_S)
    except (BadSignature, SignatureExpired):
        return None
    return data if isinstance(data, dict) else None


def _basic_user(request: Request, session: Session) -> UserView | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        username, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return authenticate(session, username, password)


def current_user(request: Request, container: ContainerDep, session: SessionDep) -> UserView:
    """The signed-in user, or 401. Pages redirect to /login on 401 (see app.web.app)."""
    data = read_session(container, request.cookies.get(SESSION_COOKIE))
    if data and isinstance(data.get("uid"), int):
        user = get_user(session, int(data["uid"]))  # type: ignore[arg-type]
        if user.is_active:
            return user
    user = _basic_user(request, session)
    if user is not None:
        return user
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in first",
                        headers={"WWW-Authenticate": 'Basic realm="desk"'})


UserDep = Annotated[UserView, Depends(current_user)]


def require_csrf(request: Request, container: ContainerDep) -> None:
    """Unsafe requests that ride on the session cookie must echo its CSRF token (header or form).

    Requests authenticated with HTTP Basic carry no ambient credential and need no token.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    data = read_session(container, request.cookies.get(SESSION_COOKIE))
    if data is None:
        return  # not cookie-authenticated: current_user decides
    sent = request.headers.get("x-csrf-token")
    if not sent or sent != data.get("csrf"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")


CsrfDep = Annotated[None, Depends(require_csrf)]
