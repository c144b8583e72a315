"""Own the Upstox option-chain client (`GET /v2/option/chain`) and the chain summary it feeds.

The summary (total put/call OI, ATM IV, spot) becomes one raw derivatives record per day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from core.errors import FeedError, TemporaryError, TokenExpired

UPSTOX_BASE_URL = "https://api.upstox.com"
CHAIN_PATH = "/v2/option/chain"


@dataclass(frozen=True, slots=True)
class StrikeRow:
    """One strike of the chain, both sides (IV in percent, as Upstox sends it)."""

    strike: float
    spot: float | None
    call_oi: float
    put_oi: float
    call_iv: float | None
    put_iv: float | None


class UpstoxOptionChainClient:
    """Read the option chain of an underlying for one expiry (reads need no static IP)."""

    def __init__(
        self,
        access_token: str,
        base_url: str = UPSTOX_BASE_URL,
        timeout_s: float = 10.0,
        attempts: int = 3,
        backoff_s: float = 0.5,
    ) -> None:
        # Upstox sends no Retry-After on 429 (UDAPI10005), so back off on our side.
        self._retrying = Retrying(
            retry=retry_if_exception_type(TemporaryError),
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=backoff_s, max=10 * backoff_s),
            reraise=True,
        )
        self._client = httpx.Client(
            base_url=base_url,
            timeout=timeout_s,
            headers={
                "Authorization": f"Bearer {access_token}",
                "Accept": "application/json",
                "Api-Version": "2.0",
            },
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> UpstoxOptionChainClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def chain(self, instrument_key: str, expiry: date) -> list[StrikeRow]:
        """Every strike of `instrument_key` (e.g. "NSE_INDEX|Nifty 50") for `expiry`."""
        return self._retrying(self._chain_once, instrument_key, expiry)

    def _chain_once(self, instrument_key: str, expiry: date) -> list[StrikeRow]:
        params = {"instrument_key": instrument_key, "expiry_date": expiry.isoformat()}
        try:
            resp = self._client.get(CHAIN_PATH, params=params)
        except httpx.TransportError as exc:
            raise TemporaryError(f"option chain: {type(exc).__name__}") from exc
        body = _json(resp)
        if resp.status_code == 401:
            raise TokenExpired(f"option chain: {_error_code(body)}")
        if resp.status_code == 429 or resp.status_code >= 500:
            raise TemporaryError(f"option chain: HTTP {resp.status_code} {_error_code(body)}")
        if resp.status_code >= 400 or body.get("status") != "success":
            raise FeedError(f"option chain: HTTP {resp.status_code} {_error_code(body)}")
        return parse_chain(body.get("data"))


def _json(resp: httpx.Response) -> dict[str, Any]:
    try:
        body = resp.json()
    except json.JSONDecodeError as exc:
        if resp.status_code >= 500:
            raise TemporaryError(f"option chain: HTTP {resp.status_code}") from exc
        raise FeedError("option chain: response is not JSON") from exc
    if not isinstance(body, dict):
        raise FeedError("option chain: expected a JSON object")
    return body


def _error_code(body: dict[str, Any]) -> str:
    errors = body.get("errors") or [{}]
    first = errors[0] if isinstance(errors, list) and errors else {}
    return str(first.get("errorCode") or first.get("error_code") or "")


def parse_chain(data: Any) -> list[StrikeRow]:
    """Upstox chain `data` (a list of per-strike objects) into StrikeRows."""
    if not isinstance(data, list):
        raise FeedError("option chain: data is not a list")
    rows = []
    for i, item in enumerate(data):
        try:
            call, put = item.get("call_options") or {}, item.get("put_options") or {}
            rows.append(
                StrikeRow(
                    strike=float(item["strike_price"]),
                    spot=_opt_float(item.get("underlying_spot_price")),
                    call_oi=float((call.get("market_data") or {}).get("oi") or 0.0),
                    put_oi=float((put.get("market_data") or {}).get("oi") or 0.0),
                    call_iv=_opt_float((call.get("option_greeks") or {}).get("iv")),
                    put_iv=_opt_float((put.get("option_greeks") or {}).get("iv")),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise FeedError(f"option chain strike {i}: {exc}") from exc
    return rows


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


def summarize_chain(rows: list[StrikeRow]) -> dict[str, float | None]:
    """Total put and call OI, spot, and ATM IV (mean of the positive IVs at the nearest strike)."""
    if not rows:
        raise FeedError("option chain: empty")
    spot = next((r.spot for r in rows if r.spot), None)
    atm_iv = None
    if spot is not None:
        atm = min(rows, key=lambda r: abs(r.strike - spot))
        ivs = [v for v in (atm.call_iv, atm.put_iv) if v is not None and v > 0]
        atm_iv = sum(ivs) / len(ivs) if ivs else None
    return {
        "put_oi": sum(r.put_oi for r in rows),
        "call_oi": sum(r.call_oi for r in rows),
        "spot_close": spot,
        "atm_iv": atm_iv,
    }
