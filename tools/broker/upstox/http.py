"""Own the Upstox REST client: the Broker port over v2/v3 orders, portfolio, funds and GTT."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from core.clock import Clock
from core.domain import BrokerOrder, BrokerPosition, Fill, Funds, OrderRequest
from core.enums import OrderStatus
from core.errors import TemporaryBrokerError
from core.money import money
from core.ports import BracketOrder
from tools.broker.upstox import parse
from tools.broker.upstox.gtt import bracket_body
from tools.broker.upstox.schemas import (
    GttOrder,
    UpstoxHolding,
    UpstoxOrder,
    UpstoxPosition,
    UpstoxTrade,
)

HFT_PATHS = ("/order/place", "/order/modify", "/order/cancel")
ORDER_CLASS_PATHS = ("/order/place", "/order/modify", "/order/cancel", "/order/gtt",
                     "/order/multi")


class _Throttle:
    """At most `per_s` calls per second of clock time (SEBI: 10 orders/s unregistered)."""

    def __init__(self, clock: Clock, per_s: int) -> None:
        self._clock, self._per_s = clock, per_s
        self._stamps: deque[float] = deque()

    async def wait(self) -> None:
        now = self._clock.now().timestamp()
        while self._stamps and now - self._stamps[0] >= 1.0:
            self._stamps.popleft()
        if len(self._stamps) >= self._per_s:
            await self._clock.sleep(1.0 - (now - self._stamps[0]))
            self._stamps.popleft()
        self._stamps.append(self._clock.now().timestamp())


class UpstoxBroker:
    """Broker port on the Upstox API. Temporary failures (5xx, 429, timeouts) are retried with
    backoff on the injected clock; a place retry first looks for its tag in the order book, so a
    request that reached Upstox before timing out is never sent twice."""

    name = "upstox"

    def __init__(
        self, token: Callable[[], str], clock: Clock, *, base_url: str, hft_url: str | None = None,
        timeout_s: float = 5.0, attempts: int = 4, orders_per_s: int = 10,
        algo_name: str | None = None, transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._token, self._clock = token, clock
        self._base = httpx.AsyncClient(base_url=base_url, timeout=timeout_s, transport=transport)
        self._hft = httpx.AsyncClient(base_url=hft_url or base_url, timeout=timeout_s,
                                      transport=transport)
        self._attempts, self._algo = attempts, algo_name
        self._throttle = _Throttle(clock, orders_per_s)
        self.base_url = base_url

    async def aclose(self) -> None:
        await self._base.aclose()
        await self._hft.aclose()

    # --- transport ---------------------------------------------------------------------------
    def _headers(self, path: str) -> dict[str, str]:
        h = {"Authorization": f"Bearer {self._token()}", "Accept": "application/json",
             "Api-Version": "3.0" if path.startswith("/v3") else "2.0"}
        if self._algo and any(p in path for p in ORDER_CLASS_PATHS):
            h["X-Algo-Name"] = self._algo
        return h

    async def _once(self, method: str, path: str, **kw: Any) -> Any:
        if any(p in path for p in ORDER_CLASS_PATHS):
            await self._throttle.wait()
        client = self._hft if any(p in path for p in HFT_PATHS) else self._base
        try:
            resp = await client.request(method, path, headers=self._headers(path), **kw)
        except httpx.TransportError as exc:  # timeouts, refused, reset
            raise TemporaryBrokerError(f"{method} {path}: {type(exc).__name__}") from exc
        body = resp.json() if resp.content else {}
        if resp.status_code >= 400 or (isinstance(body, dict) and body.get("status") == "error"):
            parse.raise_for_error(resp.status_code, body)
        return body.get("data") if isinstance(body, dict) else body

    def _retrying(self) -> AsyncRetrying:
        return AsyncRetrying(
            stop=stop_after_attempt(self._attempts), reraise=True, sleep=self._clock.sleep,
            wait=wait_exponential(multiplier=1, max=8),
            retry=retry_if_exception_type(TemporaryBrokerError))

    async def call(self, method: str, path: str, **kw: Any) -> Any:
        """One API call with retries of temporary errors only."""
        async for attempt in self._retrying():
            with attempt:
                return await self._once(method, path, **kw)
        raise AssertionError("unreachable")  # pragma: no cover

    # --- Broker port -------------------------------------------------------------------------
    async def place_order(self, request: OrderRequest) -> BrokerOrder:
        body = parse.order_body(request)
        async for attempt in self._retrying():
            with attempt:
                if attempt.retry_state.attempt_number > 1:
                    known = await self.find_by_tag(request.client_order_id)
                    if known is not None:
                        return known
                data = await self._once("POST", "/v3/order/place", json=body)
        ids = list(data.get("order_ids") or [])
        return BrokerOrder(
            broker_order_id=ids[0], client_order_id=request.client_order_id,
            symbol=request.symbol, side=request.side, order_type=request.order_type,
            quantity=request.quantity, status=OrderStatus.SUBMITTED, price=request.price,
            trigger_price=request.trigger_price, updated_at=self._clock.now(),
            raw={"order_ids": ids})

    async def find_by_tag(self, tag: str) -> BrokerOrder | None:
        """The order placed with this client id (Upstox tag), if it exists today."""
        for o in await self.orders():
            if o.client_order_id == tag:
                return o
        return None

    async def modify_order(self, broker_order_id: str, *, price: object | None = None,
                           trigger_price: object | None = None,
                           quantity: int | None = None) -> BrokerOrder:
        current = await self.order(broker_order_id)
        body: dict[str, Any] = {"order_id": broker_order_id, "validity": "DAY",
                                "order_type": str(current.order_type)}
        if price is not None:
            body["price"] = float(str(price))
        if trigger_price is not None:
            body["trigger_price"] = float(str(trigger_price))
        if quantity is not None:
            body["quantity"] = quantity
        await self.call("PUT", "/v3/order/modify", json=body)
        return await self.order(broker_order_id)

    async def cancel_order(self, broker_order_id: str) -> BrokerOrder:
        await self.call("DELETE", "/v3/order/cancel", params={"order_id": broker_order_id})
        return await self.order(broker_order_id)

    async def order(self, broker_order_id: str) -> BrokerOrder:
        data = await self.call("GET", "/v2/order/details", params={"order_id": broker_order_id})
        return parse.to_order(UpstoxOrder.model_validate(data))

    async def orders(self) -> list[BrokerOrder]:
        data = await self.call("GET", "/v2/order/retrieve-all")
        return [parse.to_order(UpstoxOrder.model_validate(o)) for o in data or []]

    async def order_history(self, broker_order_id: str) -> list[BrokerOrder]:
        data = await self.call("GET", "/v2/order/history", params={"order_id": broker_order_id})
        return [parse.to_order(UpstoxOrder.model_validate(o)) for o in data or []]

    async def trades(self) -> list[Fill]:
        data = await self.call("GET", "/v2/order/trades/get-trades-for-day")
        tags = {o.broker_order_id: o.client_order_id for o in await self.orders()}
        now = self._clock.now()
        return [parse.to_fill(t, tags.get(t.order_id), now)
                for t in (UpstoxTrade.model_validate(x) for x in data or [])]

    async def trades_for_order(self, broker_order_id: str, tag: str | None) -> list[Fill]:
        data = await self.call("GET", "/v2/order/trades", params={"order_id": broker_order_id})
        now = self._clock.now()
        return [parse.to_fill(UpstoxTrade.model_validate(t), tag, now) for t in data or []]

    async def positions(self) -> list[BrokerPosition]:
        data = await self.call("GET", "/v2/portfolio/short-term-positions")
        return [parse.to_position(UpstoxPosition.model_validate(p)) for p in data or []]

    async def holdings(self) -> list[BrokerPosition]:
        data = await self.call("GET", "/v2/portfolio/long-term-holdings")
        return [parse.to_position(UpstoxHolding.model_validate(h), "D") for h in data or []]

    async def funds(self) -> Funds:
        data = await self.call("GET", "/v2/user/get-funds-and-margin",
                               params={"segment": "SEC"})
        equity = (data or {}).get("equity", {})
        return Funds(available_inr=money(equity.get("available_margin", 0)),
                     used_margin_inr=money(equity.get("used_margin", 0)))

    async def updates(self) -> AsyncIterator[BrokerOrder | Fill]:
        from tools.broker.upstox.ws import PortfolioStream

        async for update in PortfolioStream(self).updates():
            yield update

    # --- GTT (native brackets) ---------------------------------------------------------------
    async def place_gtt(self, body: dict[str, Any]) -> str:
        data = await self.call("POST", "/v3/order/gtt/place", json=body)
        return str(data["gtt_order_ids"][0])

    async def modify_gtt(self, body: dict[str, Any]) -> str:
        data = await self.call("PUT", "/v3/order/gtt/modify", json=body)
        return str(data["gtt_order_ids"][0])

    async def cancel_gtt(self, gtt_order_id: str) -> None:
        await self.call("DELETE", "/v3/order/gtt/cancel", json={"gtt_order_id": gtt_order_id})

    async def gtts(self, gtt_order_id: str | None = None) -> list[GttOrder]:
        params = {"gtt_order_id": gtt_order_id} if gtt_order_id else None
        data = await self.call("GET", "/v3/order/gtt", params=params)
        return [GttOrder.model_validate(g) for g in data or []]

    async def place_bracket(self, bracket: BracketOrder) -> str:
        """One multi-leg GTT (entry + target + stop). GTTs carry no client tag, so a retry
        first looks for a live GTT with the same instrument, side, quantity and triggers."""
        body = bracket_body(bracket)
        async for attempt in self._retrying():
            with attempt:
                if attempt.retry_state.attempt_number > 1:
                    same = await self._same_gtt(body)
                    if same is not None:
                        return same
                data = await self._once("POST", "/v3/order/gtt/place", json=body)
        return str(data["gtt_order_ids"][0])

    async def _same_gtt(self, body: dict[str, Any]) -> str | None:
        wanted = {(r["strategy"], float(r["trigger_price"])) for r in body["rules"]}
        for g in await self.gtts():
            rules = {(r.strategy, float(r.trigger_price)) for r in g.rules}
            if (g.instrument_token, g.quantity, rules) == (body["instrument_token"],
                                                          body["quantity"], wanted):
                return g.gtt_order_id
        return None

    async def cancel_bracket(self, bracket_id: str) -> None:
        await self.cancel_gtt(bracket_id)

    async def live_brackets(self) -> set[str]:
        """Ids of GTTs still working (Upstox leaves finished ones out of the list)."""
        return {g.gtt_order_id for g in await self.gtts()}

    async def authorized_url(self, path: str, params: dict[str, str] | None = None) -> str:
        """A one-time WebSocket URL from a feed `authorize` endpoint."""
        data = await self.call("GET", path, params=params)
        return str(data.get("authorized_redirect_uri") or data.get("authorizedRedirectUri"))
