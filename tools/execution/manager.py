"""Own the order manager: APPROVED card -> bracket orders, fills -> positions, OCO upkeep."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.domain import BrokerOrder, Fill, OrderRequest, Quote
from core.enums import (
    AuditCategory,
    CardStatus,
    Direction,
    OrderCategory,
    OrderStatus,
    OrderType,
    Product,
    Side,
)
from core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    OrderRejected,
    RiskRefused,
    TemporaryError,
    TokenExpired,
    ValidationError,
)
from core.money import to_decimal
from core.ports import BracketBroker, Broker, Notifier
from store.audit import AuditLog
from store.db import transaction
from store.models import Instrument, OrderRow, TradeCardRow
from store.repos import orders as orders_repo
from store.repos import risk as risk_repo
from tools.broker.paper import QuoteSource
from tools.execution import exits, fills, native
from tools.execution.brackets import CardTerms, leg_request, product_for, validate_terms
from tools.execution.fills import order_payload
from tools.execution.transitions import can_transition, check_transition, is_live
from tools.risk import pretrade, switches

SESSION_EXPIRED = "broker session expired"
ENFORCE_EVERY_S = 2.0  # wall seconds between kill-switch enforcement passes from on_quote


class OrderManager:
    """Turn APPROVED cards into brackets and keep every open position protected.

    `fault` is a test seam: called with a point name ("after_entry_fill") so a crash between the
    entry fill and the stop placement can be simulated.
    """

    def __init__(self, sessions: sessionmaker[Session], broker: Broker, clock: Clock,
                 audit: AuditLog, quotes: QuoteSource | None, notifier: Notifier | None = None,
                 *, mis_squareoff_ist: str = "15:15", escalate_after_s: float = 5.0,
                 native_brackets: bool = True) -> None:
        self.sessions, self.broker, self.clock, self.audit = sessions, broker, clock, audit
        self.quotes, self.notifier = quotes, notifier
        self.mis_squareoff_ist, self.escalate_after_s = mis_squareoff_ist, escalate_after_s
        self.fault: Callable[[str], None] | None = None
        self.native = native_brackets and isinstance(broker, BracketBroker)
        self._parked: dict[str, list[Fill]] = {}
        self._enforced_at = float("-inf")
        self.intraday_state: dict[str, Any] = {}

    # --- approval -> entry -----------------------------------------------------------------
    async def execute_card(self, card_id: int) -> list[int]:
        """Place the entry of an APPROVED card (once); return the card's order ids."""
        t0 = time.perf_counter()
        with transaction(self.sessions) as s:
            outcome = self._prepare_entry(s, card_id)
        if isinstance(outcome, Exception):
            raise outcome
        entry_id, ids = outcome
        if entry_id is not None:
            await self.submit(entry_id, latency_from=t0)
        return ids

    def _prepare_entry(self, s: Session, card_id: int) -> tuple[int | None, list[int]] | Exception:
        card = s.get(TradeCardRow, card_id, with_for_update=True)
        if card is None:
            raise NotFound(f"trade card {card_id}")
        existing = orders_repo.for_card(s, card_id)
        entry = next((o for o in existing if o.order_category == OrderCategory.ENTRY), None)
        if entry is not None:  # retry, restart or duplicate approval: never a second entry
            pending = entry.id if entry.status == OrderStatus.CREATED else None
            return pending, [o.id for o in existing]
        if card.status != CardStatus.APPROVED:
            return self._refuse(s, card, Conflict(f"card {card_id} is {card.status}, not APPROVED"),
                                block=False)
        try:
            terms = self.terms(s, card)
            validate_terms(terms)
        except ValidationError as exc:
            return self._refuse(s, card, exc)
        refusal = self._risk_refusal(s, card, terms)
        if refusal is not None:
            return self._refuse(s, card, RiskRefused(refusal))
        now = self.clock.now()
        row = orders_repo.add_order(s, **leg_request(terms, OrderCategory.ENTRY, terms.quantity),
                                    broker=self.broker.name, status=str(OrderStatus.CREATED),
                                    filled_quantity=0, placed_at=now, updated_at=now)
        card.status, card.executed_at = str(CardStatus.EXECUTED), now
        self.audit.append(s, "order.created", order_payload(row), category=AuditCategory.EXECUTION,
                          account_id=row.account_id, trade_card_id=card_id, order_id=row.id)
        legs = native.add_exit_legs(self, s, terms) if self.native else []
        return row.id, [row.id, *legs]

    def _risk_refusal(self, s: Session, card: TradeCardRow, terms: CardTerms) -> str | None:
        if switches.entries_paused(s, card.account_id):
            return "entries are paused by a kill switch"
        risk = pretrade.card_risk(str(terms.direction), terms.quantity, terms.entry_price,
                                  terms.stop_loss)
        check = pretrade.check_entry(s, card.account_id, risk, self.clock.now(),
                                     exclude_card_id=card.id)
        self.audit.append(s, "risk.pretrade", {
            "ok": check.ok, "reason": check.reason, "limit_inr": check.limit_inr,
            "worst_case_loss_inr": check.worst_case_loss_inr, "new_risk_inr": risk,
        }, category=AuditCategory.RISK, account_id=card.account_id, trade_card_id=card.id)
        return None if check.ok else f"pre-trade check: {check.reason}"

    def _refuse(self, s: Session, card: TradeCardRow, exc: Exception, block: bool = True
                ) -> Exception:
        if block:
            card.status, card.rejection_reason = str(CardStatus.BLOCKED), str(exc)
        self.audit.append(s, "execution.refused", {"card_id": card.id, "status": card.status,
                                                   "reason": str(exc)},
                          category=AuditCategory.EXECUTION, account_id=card.account_id,
                          trade_card_id=card.id)
        return exc

    def terms(self, s: Session, card: TradeCardRow) -> CardTerms:
        direction = Direction(card.direction or Direction.LONG)
        qty = card.approved_quantity if card.approved_quantity is not None else card.quantity
        inst = s.scalar(select(Instrument).where(Instrument.symbol == card.symbol).limit(1))
        return CardTerms(
            card_id=card.id, account_id=card.account_id, symbol=card.symbol,
            exchange=card.exchange or "NSE", direction=direction, quantity=qty,
            entry_price=to_decimal(card.entry_price),
            entry_order_type=OrderType(card.entry_order_type or OrderType.LIMIT),
            stop_loss=to_decimal(card.stop_loss), take_profit=to_decimal(card.take_profit),
            product=product_for(direction, card.horizon_days),
            tick=to_decimal(inst.tick_size) if inst and inst.tick_size else None,
            instrument_key=inst.instrument_key if inst else None)

    # --- talking to the broker ---------------------------------------------------------------
    async def submit(self, order_id: int, latency_from: float | None = None) -> None:
        """Send a CREATED (write-ahead) order to the broker, keyed by its client id.

        The row is first claimed (CREATED -> SUBMITTED, row-locked), so two callers can never
        send it twice; a crash after the claim is settled by reconcile via the client id.
        """
        with transaction(self.sessions) as s:
            row = s.get(OrderRow, order_id, with_for_update=True)
            if row is None or row.status != OrderStatus.CREATED:
                return
            if self.native and row.order_category == OrderCategory.ENTRY:
                bracket = True
            else:
                bracket, request = False, self._request(s, row)
        if bracket:
            await native.submit_bracket(self, order_id, latency_from or time.perf_counter())
            return
        with transaction(self.sessions) as s:
            row = s.get(OrderRow, order_id, with_for_update=True)
            if row is None or row.status != OrderStatus.CREATED:
                return
            self.transition(s, row, OrderStatus.SUBMITTED, None)
        t0 = latency_from or time.perf_counter()
        try:
            ack = await self.broker.place_order(request)
        except OrderRejected as exc:
            await self.rejected(order_id, exc)
            return
        except TokenExpired as exc:
            await self.session_expired(order_id, exc)
            return
        except TemporaryError as exc:
            with transaction(self.sessions) as s:
                self.audit.append(s, "order.submit_failed", {"order_id": order_id,
                                                             "error": str(exc)},
                                  category=AuditCategory.EXECUTION, order_id=order_id)
            return
        latency = int((time.perf_counter() - t0) * 1000)
        with transaction(self.sessions) as s:
            row = s.get(OrderRow, order_id)
            assert row is not None  # noqa: S101 - created above, never deleted
            row.broker_order_id = row.broker_order_id or ack.broker_order_id
            if can_transition(row.status, ack.status):  # the stream may already be ahead
                self.transition(s, row, ack.status, ack.message)
            self.audit.append(s, "order.submitted", order_payload(row), latency_ms=latency,
                              category=AuditCategory.EXECUTION, account_id=row.account_id,
                              trade_card_id=row.trade_card_id, order_id=row.id)

    async def session_expired(self, order_id: int, exc: TokenExpired) -> None:
        """The broker session ended (Upstox: 03:30 IST): the order did not go out; pause new
        entries until a human logs in again (stops already at the broker stay live)."""
        await self.rejected(order_id, OrderRejected(f"not sent: {exc}", "SESSION_EXPIRED"))
        with transaction(self.sessions) as s:
            if not any((r.trigger_reason or "").startswith(SESSION_EXPIRED)
                       for r in risk_repo.triggered_for(s, None)):
                switches.manual_kill(s, self.audit, None, f"{SESSION_EXPIRED}: {exc}", "system",
                                     clock=self.clock)
        await self.notify(f"Broker session expired: {exc}. Log in again; new entries are paused.")

    def _request(self, s: Session, row: OrderRow) -> OrderRequest:
        card = s.get(TradeCardRow, row.trade_card_id)
        exits = row.order_category in {OrderCategory.STOP_LOSS, OrderCategory.TAKE_PROFIT,
                                       OrderCategory.TRAIL}
        inst_key = None
        if card is not None:
            inst_key = s.scalar(select(Instrument.instrument_key).where(
                Instrument.symbol == card.symbol).limit(1))
        return OrderRequest(
            client_order_id=row.client_order_id, symbol=row.symbol,
            exchange=row.exchange or "NSE", side=Side(row.transaction_type or ""),
            order_type=OrderType(row.order_type or ""),
            product=Product(row.product or Product.DELIVERY),
            quantity=row.quantity - (row.filled_quantity or 0), price=row.price,
            trigger_price=row.trigger_price, instrument_key=inst_key,
            tag=f"OCO{row.trade_card_id}" if exits else None)

    async def rejected(self, order_id: int, exc: OrderRejected) -> None:
        with transaction(self.sessions) as s:
            row = s.get(OrderRow, order_id)
            assert row is not None  # noqa: S101
            self.transition(s, row, OrderStatus.REJECTED, str(exc))
            card = s.get(TradeCardRow, row.trade_card_id)
            if row.order_category == OrderCategory.ENTRY and card is not None:
                card.status, card.rejection_reason = str(CardStatus.BLOCKED), f"broker: {exc}"
            self.audit.append(s, "order.rejected", {**order_payload(row), "code": exc.code,
                                                    "message": str(exc)},
                              category=AuditCategory.EXECUTION, account_id=row.account_id,
                              trade_card_id=row.trade_card_id, order_id=row.id)
            account = row.account_id
        await self.notify(f"Order rejected by the broker: {exc}", account)

    async def cancel(self, order_id: int, reason: str, at_broker: bool = True) -> None:
        """Cancel a working order at the broker (or locally if it never left). A leg of a
        broker-side bracket cancels the whole bracket there first (unless `at_broker` is False:
        the broker already ended it)."""
        with transaction(self.sessions) as s:
            row = s.get(OrderRow, order_id)
            if row is None or not is_live(row.status):
                return
            broker_id, bracket_id = row.broker_order_id, row.bracket_id
        if bracket_id and at_broker and isinstance(self.broker, BracketBroker):
            with contextlib.suppress(OrderRejected, NotFound):
                await self.broker.cancel_bracket(bracket_id)
        with transaction(self.sessions) as s:
            row = s.get(OrderRow, order_id)
            if row is None or not is_live(row.status):
                return
            if broker_id is None:  # never reached the broker (or lives inside its bracket)
                self.transition(s, row, OrderStatus.CANCELLED, reason)
                self.audit.append(s, "order.cancelled", order_payload(row),
                                  category=AuditCategory.EXECUTION, order_id=row.id,
                                  account_id=row.account_id, trade_card_id=row.trade_card_id)
                return
        try:
            ack = await self.broker.cancel_order(broker_id)
        except (OrderRejected, NotFound):
            return  # already finished at the broker; its own update will say how
        await self.on_broker_update(ack)

    async def resize(self, order_id: int, total_qty: int) -> None:
        with transaction(self.sessions) as s:
            row = s.get(OrderRow, order_id)
            if row is None or not is_live(row.status) or row.broker_order_id is None:
                return
            broker_id = row.broker_order_id
        ack = await self.broker.modify_order(broker_id, quantity=total_qty)
        with transaction(self.sessions) as s:
            row = s.get(OrderRow, order_id)
            assert row is not None  # noqa: S101
            row.quantity = ack.quantity
            self.audit.append(s, "order.resized", order_payload(row),
                              category=AuditCategory.EXECUTION, order_id=row.id,
                              account_id=row.account_id, trade_card_id=row.trade_card_id)

    def transition(self, s: Session, row: OrderRow, status: OrderStatus | str,
                   message: str | None) -> bool:
        """Move an order through the transition table (raises InvalidTransition)."""
        target = OrderStatus(status)
        if row.status == target:
            return False
        check_transition(row.status, target)
        now = self.clock.now()
        row.status, row.updated_at = str(target), now
        row.status_message = message or row.status_message
        if target == OrderStatus.CANCELLED:
            row.cancelled_at = now
        return True

    # --- broker updates ----------------------------------------------------------------------
    async def on_broker_update(self, update: BrokerOrder | Fill) -> None:
        """Apply an order update or a fill from the broker (idempotent on trade id/status)."""
        try:
            if isinstance(update, Fill):
                card_id = fills.apply_fill(self, update)
                if card_id == fills.PARKED:
                    self._parked.setdefault(update.broker_order_id, []).append(update)
                    return
            else:
                card_id = fills.apply_order(self, update)
                for parked in self._parked.pop(update.broker_order_id, []):
                    fills.apply_fill(self, parked)  # its order is known now
        except InvalidTransition as exc:
            with transaction(self.sessions) as s:
                self.audit.append(s, "order.invalid_transition", {
                    "broker_order_id": update.broker_order_id, "error": str(exc)},
                    category=AuditCategory.EXECUTION)
            raise
        if card_id is not None:
            await self.protect(card_id)

    # --- keeping every open position protected ----------------------------------------------
    async def protect(self, card_id: int) -> list[int]:
        """Make the card's live stop and target match its open quantity; return new order ids."""
        with transaction(self.sessions) as s:
            plan, created = self._protection_plan(s, card_id)
        for oid in plan.cancel:
            await self.cancel(oid, "position closed", at_broker=False)
        for oid, qty in plan.resize:
            await self.resize(oid, qty)
        for oid in plan.submit:
            await self.submit(oid)
        return created

    def _protection_plan(self, s: Session, card_id: int) -> tuple[exits.Plan, list[int]]:
        return exits.protection_plan(self, s, card_id)

    def new_exit(self, s: Session, card_id: int, category: OrderCategory, qty: int,
                 trigger: Decimal, attempt: int | None = None) -> OrderRow:
        """Write-ahead row for an exit-side leg (stop, target, close or partial exit)."""
        return exits.new_exit(self, s, card_id, category, qty, trigger, attempt)

    async def close_position(self, card_id: int, reason: str) -> int | None:
        """Exit the whole open quantity at market: cancel the bracket legs, then send a CLOSE."""
        return await exits.close_position(self, card_id, reason)

    async def notify(self, text: str, account_id: int | None = None) -> None:
        if self.notifier is not None:
            await self.notifier.notify(text, account_id)

    # --- delegated loops ---------------------------------------------------------------------
    async def on_quote(self, quote: Quote) -> None:
        """Intraday management of every open position in quote.symbol (see intraday.py); also
        applies triggered kill switches' actions, at most every ENFORCE_EVERY_S of wall time."""
        from tools.execution.intraday import manage

        await manage(self, quote)
        if time.monotonic() - self._enforced_at >= ENFORCE_EVERY_S:
            self._enforced_at = time.monotonic()
            await self.enforce_switches()

    async def enforce_switches(self) -> dict[str, list[int]]:
        """Cancel pending entries / flatten positions as triggered kill switches demand."""
        from tools.execution.enforce import enforce_switches

        return await enforce_switches(self)

    async def reconcile(self) -> dict[str, Any]:
        """Compare with the broker, adopt missed fills, cancel orphans, restore missing stops."""
        from tools.execution.reconcile import reconcile

        return await reconcile(self)

    async def pump_updates(self) -> None:
        """Apply the broker's update stream forever (the app runs this as a task). An invalid
        transition is already audited by on_broker_update; the stream goes on."""
        async for update in self.broker.updates():
            with contextlib.suppress(InvalidTransition):
                await self.on_broker_update(update)

    def now(self) -> datetime:
        return self.clock.now()
