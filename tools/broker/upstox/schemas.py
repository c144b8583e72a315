"""Own the Upstox JSON payload shapes (pydantic, unknown fields ignored); venue fields stop here."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

_SYMBOL = AliasChoices("trading_symbol", "tradingsymbol")


class _Venue(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class UpstoxOrder(_Venue):
    order_id: str
    status: str
    transaction_type: str
    order_type: str
    quantity: int = 0
    filled_quantity: int = 0
    pending_quantity: int = 0
    average_price: float | None = None
    price: float | None = None
    trigger_price: float | None = None
    tag: str | None = None
    instrument_token: str | None = None
    trading_symbol: str = Field("", validation_alias=_SYMBOL)
    product: str | None = None
    exchange: str | None = None
    status_message: str | None = None
    order_timestamp: str | None = None
    exchange_timestamp: str | None = None
    order_ref_id: str | None = None
    validity: str | None = None


class UpstoxTrade(_Venue):
    trade_id: str
    order_id: str
    transaction_type: str
    quantity: int
    average_price: float
    trading_symbol: str = Field("", validation_alias=_SYMBOL)
    instrument_token: str | None = None
    exchange: str | None = None
    product: str | None = None
    exchange_timestamp: str | None = None
    order_timestamp: str | None = None
    order_ref_id: str | None = None


class UpstoxPosition(_Venue):
    instrument_token: str | None = None
    trading_symbol: str = Field("", validation_alias=_SYMBOL)
    exchange: str = "NSE"
    product: str = "D"
    quantity: int = 0
    average_price: float | None = None
    last_price: float | None = None


class UpstoxHolding(_Venue):
    trading_symbol: str = Field("", validation_alias=_SYMBOL)
    exchange: str = "NSE"
    quantity: int = 0
    t1_quantity: int = 0
    average_price: float | None = None
    last_price: float | None = None


class GttRule(_Venue):
    strategy: str
    trigger_type: str
    trigger_price: float
    trailing_gap: float | None = None
    status: str | None = None
    order_id: str | None = None
    message: str | None = None
    transaction_type: str | None = None


class GttOrder(_Venue):
    gtt_order_id: str
    type: str
    quantity: int
    product: str
    instrument_token: str
    trading_symbol: str = ""
    rules: list[GttRule]
    created_at: int | None = None
    expires_at: int | None = None


class ErrorItem(_Venue):
    error_code: str | None = Field(None, validation_alias=AliasChoices("errorCode", "error_code"))
    message: str = ""


class TokenResponse(_Venue):
    access_token: str
    user_id: str | None = None
    user_name: str | None = None
    email: str | None = None


def error_items(body: Any) -> list[ErrorItem]:
    """The `errors` list of an Upstox error envelope (empty when the body is something else)."""
    if not isinstance(body, dict):
        return []
    return [ErrorItem.model_validate(e) for e in body.get("errors") or [] if isinstance(e, dict)]
