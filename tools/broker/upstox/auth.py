"""Own the Upstox OAuth2 code flow, the 03:30 IST token expiry and where the day's token is kept."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx

from core.clock import IST, Clock, ensure_utc, to_ist
from core.errors import BrokerError, OrderRejected, TokenExpired
from tools.broker.upstox.parse import raise_for_error
from tools.broker.upstox.schemas import TokenResponse

AUTHORIZE_PATH = "/v2/login/authorization/dialog"
TOKEN_PATH = "/v2/login/authorization/token"  # noqa: S105 - a URL path
EXPIRY_IST = time(3, 30)


@dataclass(frozen=True, slots=True)
class UpstoxSession:
    access_token: str
    expires_at: datetime
    user_id: str | None = None

    def __repr__(self) -> str:  # never print the token
        return f"UpstoxSession(user_id={self.user_id!r}, expires_at={self.expires_at})"


def token_expiry(issued_at: datetime) -> datetime:
    """The 03:30 IST that ends a token issued at `issued_at` (the same day if before 03:30)."""
    local = to_ist(issued_at)
    cut = datetime.combine(local.date(), EXPIRY_IST, tzinfo=IST)
    if local >= cut:
        cut += timedelta(days=1)
    return ensure_utc(cut)


def authorize_url(base_url: str, api_key: str, redirect_uri: str, state: str) -> str:
    """The browser URL where the user logs in; Upstox redirects back with ?code=&state=."""
    query = urlencode({"response_type": "code", "client_id": api_key,
                       "redirect_uri": redirect_uri, "state": state})
    return f"{base_url.rstrip('/')}{AUTHORIZE_PATH}?{query}"


async def exchange_code(
    base_url: str, api_key: str, api_secret: str, redirect_uri: str, code: str, clock: Clock,
    *, transport: httpx.AsyncBaseTransport | None = None, timeout_s: float = 10.0,
) -> UpstoxSession:
    """Trade the one-time authorization code for the day's access token."""
    form = {"code": code, "client_id": api_key, "client_secret": api_secret,
            "redirect_uri": redirect_uri, "grant_type": "authorization_code"}
    async with httpx.AsyncClient(base_url=base_url, transport=transport, timeout=timeout_s) as c:
        resp = await c.post(TOKEN_PATH, data=form, headers={"Accept": "application/json"})
    body = resp.json() if resp.content else {}
    if resp.status_code >= 400:
        try:
            raise_for_error(resp.status_code, body)
        except OrderRejected as exc:  # not an order: a refused login (bad or reused code)
            raise BrokerError(f"Upstox login failed: {exc}") from exc
    token = TokenResponse.model_validate(body)
    return UpstoxSession(token.access_token, token_expiry(clock.now()), token.user_id)


class TokenStore:
    """The day's token in a 0600 JSON file; `current()` refuses it after 03:30 IST."""

    def __init__(self, path: Path, clock: Clock) -> None:
        self.path, self._clock = path, clock

    def save(self, session: UpstoxSession) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"access_token": session.access_token, "user_id": session.user_id,
                   "expires_at": session.expires_at.isoformat()}
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(payload, fh)

    def load(self) -> UpstoxSession | None:
        if not self.path.exists():
            return None
        data = json.loads(self.path.read_text())
        return UpstoxSession(data["access_token"], datetime.fromisoformat(data["expires_at"]),
                             data.get("user_id"))

    def current(self) -> str:
        """The live access token, or TokenExpired telling the user to log in again."""
        session = self.load()
        if session is None:
            raise TokenExpired("no Upstox session: run `desk upstox login`")
        if self._clock.now() >= session.expires_at:
            raise TokenExpired("the Upstox session ended at 03:30 IST: run `desk upstox login`")
        return session.access_token
