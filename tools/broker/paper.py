"""Own the paper broker: a simulated order book filled from the shared market data and clock."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from typing import Protocol

from core.clock import Clock, to_ist
from core.domain import Bar, BrokerOrder, BrokerPosition, Fill, Funds, OrderRequest, Quote
from core.enums import OrderStatus, OrderType, Product, Side
from core.errors import NotFound, OrderRejected
from core.money import ZERO, money, to_decimal
from tools.broker.paper_match import Tape, capacity, fill_price
from tools.charges import compute_charges

Update = BrokerOrder | Fill
_TERMINAL = {OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.EXPIRED}


class QuoteSource(Protocol):
    def quote(self, symbol: str) -> Quote | None: ...


@dataclass
class _Order:
    id: str
    req: OrderRequest
    status: OrderStatus
    placed_at: datetime
    price: Decimal | None
    trigger: Decimal | None
    quantity: int
    filled: int = 0
    notional: Decimal = ZERO
    triggered: bool = False
    message: str | None = None
    history: list[BrokerOrder] = field(default_factory=list)

    @property
    def average(self) -> Decimal | None:
        return money(self.notional / self.filled) if self.filled else None


@dataclass
class _Book:
    qty: int = 0
    avg: Decimal = ZERO
    product: Product = Product.DELIVERY
    exchange: str = "NSE"


class PaperBroker:
    """A Broker that fills against the same quotes/bars and clock as the rest of the desk.

    Market orders fill at the next price seen (plus slippage); limits when touched; SL/SL-M when
    triggered, at the open on a gap-through; each step fills at most `volume_share` of its
    volume; orders outside the circuit band are rejected; MIS positions are squared off at
    `mis_squareoff_ist`; every fill carries the full Indian charge schedule as fees.
    """

    name = "paper"

    def __init__(
        self, clock: Clock, quotes: QuoteSource | None = None, *,
        cash_inr: Decimal = Decimal(10**7),
        slippage_bps: Decimal = Decimal("5"), volume_share: Decimal = Decimal("0.1"),
        mis_squareoff_ist: str = "15:15", tick_for: Callable[[str], Decimal | None] | None = None,
    ) -> None:
        self._clock, self._quotes = clock, quotes
        self._cash = to_decimal(cash_inr)
        self.slippage_bps, self.volume_share = to_decimal(slippage_bps), to_decimal(volume_share)
        hh, mm = (int(x) for x in mis_squareoff_ist.split(":"))
        self._squareoff = time(hh, mm)
        self._tick_for = tick_for or (lambda _s: None)
        self._orders: dict[str, _Order] = {}
        self._by_client: dict[str, str] = {}
        self._fills: list[Fill] = []
        self._books: dict[str, _Book] = {}
        self._last_day: dict[str, object] = {}
        self._last_volume: dict[str, int] = {}
        self._seq = itertools.count(1)
        self._subscribers: list[asyncio.Queue[Update]] = []

    # --- Broker port -------------------------------------------------------------------------
    async def place_order(self, request: OrderRequest) -> BrokerOrder:
        known = self._by_client.get(request.client_order_id)
        if known is not None:
            return self._snapshot(self._orders[known])
        order = _Order(id=f"P{next(self._seq):09d}", req=request, status=OrderStatus.OPEN,
                       placed_at=self._clock.now(), price=request.price,
                       trigger=request.trigger_price, quantity=request.quantity)
        self._orders[order.id] = order
        self._by_client[request.client_order_id] = order.id
        problem = self._validate(request)
        if problem:
            self._set(order, OrderStatus.REJECTED, problem)
            raise OrderRejected(problem, code="PAPER_RMS")
        stop = request.order_type in (OrderType.SL, OrderType.SL_M)
        status = OrderStatus.TRIGGER_PENDING if stop else OrderStatus.OPEN
        self._set(order, status)
        return self._snapshot(order)

    async def modify_order(self, broker_order_id: str, *, price: object | None = None,
                           trigger_price: object | None = None,
                           quantity: int | None = None) -> BrokerOrder:
        order = self._live(broker_order_id)
        if price is not None:
            order.price = to_decimal(price)
        if trigger_price is not None:
            order.trigger = to_decimal(trigger_price)
        if quantity is not None:
            if quantity < order.filled or quantity <= 0:
                raise OrderRejected(f"quantity {quantity} below filled {order.filled}", "PAPER")
            order.quantity = quantity
        self._set(order, order.status, "modified")
        return self._snapshot(order)

    async def cancel_order(self, broker_order_id: str) -> BrokerOrder:
        order = self._live(broker_order_id)
        self._set(order, OrderStatus.CANCELLED, "cancelled by user")
        return self._snapshot(order)

    async def orders(self) -> list[BrokerOrder]:
        return [self._snapshot(o) for o in self._orders.values()]

    async def order_history(self, broker_order_id: str) -> list[BrokerOrder]:
        if broker_order_id not in self._orders:
            raise NotFound(f"paper order {broker_order_id}")
        return list(self._orders[broker_order_id].history)

    async def trades(self) -> list[Fill]:
        return list(self._fills)

    async def positions(self) -> list[BrokerPosition]:
        return [BrokerPosition(symbol=s, exchange=b.exchange, quantity=b.qty, average_price=b.avg,
                               product=b.product) for s, b in self._books.items() if b.qty]

    async def holdings(self) -> list[BrokerPosition]:
        return [p for p in await self.positions() if p.product == Product.DELIVERY]

    async def funds(self) -> Funds:
        return Funds(available_inr=money(self._cash))

    async def updates(self) -> AsyncIterator[Update]:
        queue: asyncio.Queue[Update] = asyncio.Queue()
        self._subscribers.append(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._subscribers.remove(queue)

    # --- market data in ----------------------------------------------------------------------
    async def on_quote(self, quote: Quote) -> list[Update]:
        """Match resting orders of quote.symbol against a new price; return the updates made."""
        last = to_decimal(quote.last)
        prev = self._last_volume.get(quote.symbol)
        self._last_volume[quote.symbol] = quote.volume
        delta = quote.volume - prev if prev is not None and quote.volume >= prev else None
        tape = Tape(last, last, last, last, delta, gap=self._new_session(quote.symbol, quote.ts))
        return self._match(quote.symbol, tape) + await self._cutoff()

    async def on_bar(self, bar: Bar) -> list[Update]:
        """Match resting orders of bar.symbol against one OHLCV bar."""
        tape = Tape(to_decimal(bar.open), to_decimal(bar.high), to_decimal(bar.low),
                    to_decimal(bar.close), bar.volume, gap=self._new_session(bar.symbol, bar.ts))
        return self._match(bar.symbol, tape) + await self._cutoff()

    async def _cutoff(self) -> list[Update]:
        if to_ist(self._clock.now()).time() < self._squareoff:
            return []
        return await self.square_off_intraday()

    async def square_off_intraday(self) -> list[Update]:
        """Cancel working MIS orders and close MIS positions at the last price (broker cut-off)."""
        out: list[Update] = []
        for order in list(self._orders.values()):
            if order.req.product == Product.INTRADAY and order.status not in _TERMINAL:
                out += self._set(order, OrderStatus.CANCELLED, "MIS auto square-off")
        for symbol, book in self._books.items():
            quote = self._quotes.quote(symbol) if self._quotes else None
            if book.product != Product.INTRADAY or not book.qty or quote is None:
                continue
            side = Side.SELL if book.qty > 0 else Side.BUY
            req = OrderRequest(client_order_id=f"SQ{next(self._seq)}", symbol=symbol,
                               exchange=book.exchange, side=side, order_type=OrderType.MARKET,
                               product=Product.INTRADAY, quantity=abs(book.qty),
                               tag="AUTO_SQUAREOFF")
            order = _Order(id=f"P{next(self._seq):09d}", req=req, status=OrderStatus.OPEN,
                           placed_at=self._clock.now(), price=None, trigger=None,
                           quantity=abs(book.qty))
            self._orders[order.id] = order
            px = to_decimal(quote.last)
            out += self._fill(order, order.quantity, px)
        return out

    # --- internals ---------------------------------------------------------------------------
    def _validate(self, req: OrderRequest) -> str | None:
        if req.quantity <= 0:
            return "quantity must be positive"
        if req.order_type in (OrderType.LIMIT, OrderType.SL) and not req.price:
            return f"{req.order_type} order needs a price"
        if req.order_type in (OrderType.SL, OrderType.SL_M) and not req.trigger_price:
            return f"{req.order_type} order needs a trigger_price"
        if req.product == Product.INTRADAY and to_ist(self._clock.now()).time() >= self._squareoff:
            return "MIS orders are not accepted after the square-off time"
        quote = self._quotes.quote(req.symbol) if self._quotes else None
        if quote is None:
            return None if req.order_type != OrderType.MARKET else f"no price for {req.symbol}"
        for label, px in (("price", req.price), ("trigger_price", req.trigger_price)):
            if px is not None and not _inside_band(px, quote):
                return (f"RMS:Rule: Check circuit limit including square off order exceeds; "
                        f"{label} {px} outside {quote.lower_circuit}-{quote.upper_circuit}")
        return None

    def _new_session(self, symbol: str, ts: datetime) -> bool:
        day = to_ist(ts).date()
        first = self._last_day.get(symbol) != day
        self._last_day[symbol] = day
        return first

    def _match(self, symbol: str, tape: Tape) -> list[Update]:
        out: list[Update] = []
        cap = capacity(tape, self.volume_share)
        for order in list(self._orders.values()):
            if order.req.symbol != symbol or order.status in _TERMINAL:
                continue
            px, triggered = fill_price(
                order.req.order_type, order.req.side, tape, price=order.price,
                trigger=order.trigger, triggered=order.triggered,
                slippage_bps=self.slippage_bps, tick=self._tick_for(symbol))
            if triggered and not order.triggered:
                order.triggered = True
                if px is None:  # an SL whose limit the market jumped past now rests as a limit
                    out += self._set(order, OrderStatus.OPEN, "triggered; resting as limit")
            if px is None:
                continue
            qty = order.quantity - order.filled
            out += self._fill(order, qty if cap is None else min(qty, cap), px)
        return out

    def _fill(self, order: _Order, qty: int, px: Decimal) -> list[Update]:
        req = order.req
        fees = compute_charges(req.side, req.product, qty, px, req.exchange).total
        fill = Fill(broker_order_id=order.id, trade_id=f"T{next(self._seq):09d}",
                    symbol=req.symbol, side=req.side, quantity=qty, price=px,
                    ts=self._clock.now(), client_order_id=req.client_order_id, fees=fees)
        self._fills.append(fill)
        order.filled += qty
        order.notional += px * qty
        self._book(req, qty, px, fees)
        done = order.filled >= order.quantity
        self._publish([fill])
        updates: list[Update] = [fill]
        updates += self._set(order, OrderStatus.FILLED if done else OrderStatus.PARTIALLY_FILLED)
        return updates + self._oco(order, qty)

    def _oco(self, filled: _Order, qty: int) -> list[Update]:
        """Shrink (or cancel) the siblings of an order tagged "OCO..." by the quantity it filled."""
        tag = filled.req.tag
        if not tag or not tag.startswith("OCO"):
            return []
        out: list[Update] = []
        for o in self._orders.values():
            if o is filled or o.req.tag != tag or o.status in _TERMINAL:
                continue
            o.quantity = max(o.filled, o.quantity - qty)
            if o.quantity <= o.filled:
                out += self._set(o, OrderStatus.CANCELLED, "OCO sibling filled")
            else:
                out += self._set(o, o.status, "OCO sibling partly filled")
        return out

    def _book(self, req: OrderRequest, qty: int, px: Decimal, fees: Decimal) -> None:
        book = self._books.setdefault(req.symbol, _Book(product=req.product, exchange=req.exchange))
        signed = qty if req.side == Side.BUY else -qty
        self._cash -= px * signed + fees
        if book.qty == 0 or (book.qty > 0) == (signed > 0):
            total = abs(book.qty) + qty
            book.avg = money((book.avg * abs(book.qty) + px * qty) / total)
        book.qty += signed
        if book.qty == 0:
            book.avg = ZERO
        book.product = req.product

    def _set(self, order: _Order, status: OrderStatus, message: str | None = None) -> list[Update]:
        order.status = status
        order.message = message or order.message
        snap = self._snapshot(order)
        order.history.append(snap)
        self._publish([snap])
        return [snap]

    def _publish(self, updates: list[Update]) -> None:
        for queue in self._subscribers:
            for u in updates:
                queue.put_nowait(u)

    def _live(self, broker_order_id: str) -> _Order:
        order = self._orders.get(broker_order_id)
        if order is None:
            raise NotFound(f"paper order {broker_order_id}")
        if order.status in _TERMINAL:
            raise OrderRejected(f"order {broker_order_id} is already {order.status}", "PAPER")
        return order

    def _snapshot(self, o: _Order) -> BrokerOrder:
        return BrokerOrder(
            broker_order_id=o.id, client_order_id=o.req.client_order_id, symbol=o.req.symbol,
            side=o.req.side, order_type=o.req.order_type, quantity=o.quantity, status=o.status,
            filled_quantity=o.filled, average_price=o.average, price=o.price,
            trigger_price=o.trigger, message=o.message, updated_at=self._clock.now(),
            raw={"tag": o.req.tag, "product": str(o.req.product)},
        )


def _inside_band(px: Decimal, quote: Quote) -> bool:
    lo, hi = quote.lower_circuit, quote.upper_circuit
    if lo is not None and px < to_decimal(lo):
        return False
    return not (hi is not None and px > to_decimal(hi))
