"""Own the sign-in and sign-out pages (login CSRF is a double-submit cookie, since no session
exists yet; every later form carries the session's own token)."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.web.auth import check_csrf, safe_next, sign_in, sign_out
from app.web.deps import ContainerDep, SessionDep
from app.web.pages.common import render
from core.enums import AuditCategory

router = APIRouter(tags=["pages"], include_in_schema=False)
LOGIN_CSRF_COOKIE = "desk_login_csrf"


def _login_page(
    request: Request,
    next_: str,
    error: str | None = None,
    username: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    resp = render(
        request,
        "login.html",
        None,
        None,
        status_code=status_code,
        login_csrf=token,
        next=safe_next(next_),
        error=error,
        username=username,
    )
    resp.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict")
    return resp


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return _login_page(request, next)


@router.post("/login", response_model=None)
def login(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(csrf_token.encode(), expected.encode()):
        return _login_page(
            request,
            next,
            "The form expired (missing CSRF token); try again.",
            username,
            status_code=403,
        )
    resp = RedirectResponse(safe_next(next), status_code=303)
    user = sign_in(request, container, session, resp, username, password)
    if user is None:
        return _login_page(request, next, "Wrong username or password.", username, 401)
    container.audit.append(
        session,
        "WEB_SIGN_IN",
        {"username": user.username},
        category=AuditCategory.ACCESS,
        user_id=user.username,
    )
    session.commit()
    resp.delete_cookie(LOGIN_CSRF_COOKIE)
    return resp


@router.post("/logout")
def logout(
    request: Request, container: ContainerDep, csrf_token: Annotated[str, Form()] = ""
) -> RedirectResponse:
    check_csrf(request, container, csrf_token)
    resp = RedirectResponse("/login", status_code=303)
    sign_out(resp)
    return resp
