"""Own what reports read from the store: trades with their fills, card decisions, risk events,
capital flows, equity snapshots and the NIFTY 50 benchmark, as plain frozen values."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.clock import IST, to_ist
from core.enums import AuditCategory, CapitalTxnType, CardStatus
from core.errors import NotFound
from store.models import (
    Account,
    AuditLogRow,
    BarRow,
    CapitalTransaction,
    FillRow,
    Instrument,
    KillSwitchRow,
    MetaLabelRow,
    OrderRow,
    PlaybookRow,
    PositionRow,
    RiskSnapshotRow,
    SignalRow,
    TradeCardRow,
)
from tools.reports.pnl import FillLine

BENCHMARK_SYMBOLS = ("NIFTY 50", "NIFTY50", "NIFTY", "^NSEI")
# Money entering or leaving the capital at work (staged lump sums count once a tranche is released).
_INFLOWS = {
    CapitalTxnType.DEPOSIT,
    CapitalTxnType.TRANSFER_IN,
    CapitalTxnType.SIP_INSTALLMENT,
    CapitalTxnType.TRANCHE_RELEASE,
}
_OUTFLOWS = {CapitalTxnType.WITHDRAWAL, CapitalTxnType.TRANSFER_OUT}


@dataclass(frozen=True, slots=True)
class AccountHeader:
    id: int
    name: str
    account_type: str | None
    status: str | None


@dataclass(frozen=True, slots=True)
class Trade:
    """One trade card with every fill of its orders and the labels attribution needs."""

    card_id: int
    symbol: str
    direction: str | None
    strategy: str
    playbook: str
    sector: str
    status: str | None
    stop_loss: Decimal | None
    take_profit: Decimal | None
    signal_id: int | None
    meta_trustworthy: bool | None
    tp_probability: float | None
    fills: tuple[FillLine, ...]


@dataclass(frozen=True, slots=True)
class CardDecision:
    card_id: int
    symbol: str
    outcome: str  # APPROVED | REJECTED | EXPIRED | CREATED | BLOCKED
    at: datetime
    detail: str


@dataclass(frozen=True, slots=True)
class RiskEvent:
    at: datetime
    kind: str
    detail: str


def day_window(d: date) -> tuple[datetime, datetime]:
    """The IST calendar day d as a [start, end) pair of aware datetimes."""
    start = datetime.combine(d, time(0, 0), tzinfo=IST)
    return start, start + timedelta(days=1)


def month_window(d: date) -> tuple[date, datetime, datetime]:
    """The IST calendar month containing d: (first day, start, end)."""
    first = d.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, day_window(first)[0], day_window(nxt)[0]


def account_header(session: Session, account_id: int) -> AccountHeader:
    row = session.get(Account, account_id)
    if row is None:
        raise NotFound(f"account {account_id} does not exist")
    return AccountHeader(row.id, row.name, row.account_type, row.status)


def report_account_ids(session: Session) -> list[int]:
    """Every account that is not CLOSED (reports are generated for each)."""
    stmt = select(Account.id).where(or_(Account.status.is_(None), Account.status != "CLOSED"))
    return list(session.scalars(stmt.order_by(Account.id)))


def load_trades(session: Session, account_id: int, until: datetime) -> list[Trade]:
    """Every card of the account that has at least one fill before `until`, oldest card first."""
    rows = session.execute(
        select(FillRow, OrderRow.trade_card_id)
        .join(OrderRow, OrderRow.id == FillRow.order_id)
        .where(FillRow.account_id == account_id, FillRow.ts < until)
        .order_by(FillRow.ts, FillRow.id)
    ).all()
    by_card: dict[int, list[FillLine]] = defaultdict(list)
    for fill, card_id in rows:
        by_card[card_id].append(FillLine(fill.ts, fill.side, fill.quantity, fill.price, fill.fees))
    if not by_card:
        return []
    cards = list(
        session.scalars(
            select(TradeCardRow)
            .where(TradeCardRow.id.in_(sorted(by_card)))
            .order_by(TradeCardRow.id)
        )
    )
    labels = _Labels.load(session, cards)
    return [labels.trade(card, tuple(by_card[card.id])) for card in cards]


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {r.id: r for r in session.scalars(select(model).where(model.id.in_(sorted(ids))))}


@dataclass(frozen=True, slots=True)
class _Labels:
    """Playbooks, meta-labels, signals and sectors of a set of cards, loaded in a few queries."""

    playbooks: dict[int, PlaybookRow]
    metas: dict[int, MetaLabelRow]
    signals: dict[int, SignalRow]
    position_sectors: dict[int, str]
    instrument_sectors: dict[str, str]

    @classmethod
    def load(cls, session: Session, cards: list[TradeCardRow]) -> _Labels:
        ids = [c.id for c in cards]
        pos = session.execute(
            select(PositionRow.trade_card_id, PositionRow.sector).where(
                PositionRow.trade_card_id.in_(ids), PositionRow.sector.is_not(None)
            )
        ).all()
        inst = session.execute(
            select(Instrument.symbol, Instrument.sector).where(
                Instrument.symbol.in_(sorted({c.symbol for c in cards})),
                Instrument.sector.is_not(None),
            )
        ).all()
        return cls(
            playbooks=_by_id(session, PlaybookRow, {c.playbook_id for c in cards if c.playbook_id}),
            metas=_by_id(
                session, MetaLabelRow, {c.meta_label_id for c in cards if c.meta_label_id}
            ),
            signals=_by_id(session, SignalRow, {c.signal_id for c in cards if c.signal_id}),
            position_sectors={cid: sec for cid, sec in pos if cid is not None and sec},
            instrument_sectors={sym: sec for sym, sec in inst if sec},
        )

    def trade(self, card: TradeCardRow, fills: tuple[FillLine, ...]) -> Trade:
        playbook = self.playbooks.get(card.playbook_id) if card.playbook_id else None
        meta = self.metas.get(card.meta_label_id) if card.meta_label_id else None
        signal = self.signals.get(card.signal_id) if card.signal_id else None
        sector = self.position_sectors.get(card.id) or self.instrument_sectors.get(card.symbol)
        return Trade(
            card_id=card.id,
            symbol=card.symbol,
            direction=card.direction,
            strategy=card.strategy or "unlabelled",
            playbook=playbook.name if playbook else "none",
            sector=sector or "unknown",
            status=card.status,
            stop_loss=card.stop_loss,
            take_profit=card.take_profit,
            signal_id=card.signal_id,
            meta_trustworthy=meta.is_trustworthy if meta else None,
            tp_probability=signal.tp_probability if signal else None,
            fills=fills,
        )


def current_stops(session: Session, card_ids: list[int]) -> dict[int, Decimal]:
    """The live stop of each card's position (trailing stops move it), where one is recorded."""
    if not card_ids:
        return {}
    rows = session.execute(
        select(PositionRow.trade_card_id, PositionRow.stop_loss).where(
            PositionRow.trade_card_id.in_(card_ids), PositionRow.stop_loss.is_not(None)
        )
    ).all()
    return {cid: stop for cid, stop in rows if cid is not None and stop is not None}


def mark_price(session: Session, symbol: str, before: datetime) -> Decimal | None:
    """Last traded close of the symbol before `before` from stored bars (any interval)."""
    close: float | Decimal | None = session.scalar(
        select(BarRow.close)
        .where(BarRow.symbol == symbol, BarRow.ts < before)
        .order_by(BarRow.ts.desc())
        .limit(1)
    )
    if close is None:  # no stored bars (e.g. a paper fill on a live quote): the last mark seen
        close = session.scalar(
            select(PositionRow.current_price)
            .where(PositionRow.symbol == symbol, PositionRow.current_price.is_not(None))
            .limit(1)
        )
    return None if close is None else Decimal(str(close))


class MarkBook:
    """Closes of some symbols over a time range, loaded once, for many `price(symbol, before)`."""

    def __init__(self, session: Session, symbols: set[str], start: datetime, end: datetime) -> None:
        self._ts: dict[str, list[datetime]] = defaultdict(list)
        self._px: dict[str, list[float]] = defaultdict(list)
        if symbols:
            rows = session.execute(
                select(BarRow.symbol, BarRow.ts, BarRow.close)
                .where(
                    BarRow.symbol.in_(sorted(symbols)),
                    BarRow.ts >= start - timedelta(days=10),
                    BarRow.ts < end,
                )
                .order_by(BarRow.ts)
            ).all()
            for sym, ts, close in rows:
                self._ts[sym].append(ts)
                self._px[sym].append(close)
        self._session = session

    def price(self, symbol: str, before: datetime) -> Decimal | None:
        """The last close strictly before `before`, else what mark_price finds in the store."""
        k = bisect.bisect_left(self._ts.get(symbol, []), before)
        if k > 0:
            return Decimal(str(self._px[symbol][k - 1]))
        return mark_price(self._session, symbol, before)


def card_decisions(
    session: Session, account_id: int, start: datetime, end: datetime
) -> list[CardDecision]:
    """Cards created, approved, rejected, blocked or expired inside [start, end)."""
    cards = session.scalars(select(TradeCardRow).where(TradeCardRow.account_id == account_id))
    out: list[CardDecision] = []
    for c in cards:
        out.extend(_decisions_of(c, start, end))
    return sorted(out, key=lambda d: (d.at, d.card_id))


def _decisions_of(c: TradeCardRow, start: datetime, end: datetime) -> list[CardDecision]:
    def inside(ts: datetime | None) -> bool:
        return ts is not None and start <= ts < end

    out = []
    if inside(c.created_at):
        kind = "BLOCKED" if c.status == CardStatus.BLOCKED else "CREATED"
        out.append(CardDecision(c.id, c.symbol, kind, c.created_at, c.strategy or ""))  # type: ignore[arg-type]
    if inside(c.approved_at):
        qty = c.approved_quantity or c.quantity
        out.append(
            CardDecision(
                c.id,
                c.symbol,
                "APPROVED",
                c.approved_at,  # type: ignore[arg-type]
                f"qty {qty} by {c.approved_by or '?'}",
            )
        )
    if inside(c.rejected_at):
        out.append(
            CardDecision(
                c.id,
                c.symbol,
                "REJECTED",
                c.rejected_at,  # type: ignore[arg-type]
                c.rejection_reason or "no reason given",
            )
        )
    if c.status == CardStatus.EXPIRED and inside(c.expires_at):
        out.append(CardDecision(c.id, c.symbol, "EXPIRED", c.expires_at, "not decided in time"))  # type: ignore[arg-type]
    return out


def risk_events(
    session: Session, account_id: int, start: datetime, end: datetime
) -> list[RiskEvent]:
    """Kill-switch triggers, resets and refusals among the RISK audit entries of the account or
    the whole portfolio (passed pre-trade checks are routine, not events)."""
    mine = or_(AuditLogRow.account_id == account_id, AuditLogRow.account_id.is_(None))
    audits = session.scalars(
        select(AuditLogRow)
        .where(
            AuditLogRow.action_category == AuditCategory.RISK.value,
            mine,
            AuditLogRow.timestamp >= start,
            AuditLogRow.timestamp < end,
        )
        .order_by(AuditLogRow.seq)
    )
    out = [
        RiskEvent(a.timestamp, a.action_type, _payload_summary(a.payload))
        for a in audits
        if a.payload.get("ok") is not True
    ]
    seen = {(e.at, e.kind) for e in out}
    switches = session.scalars(
        select(KillSwitchRow).where(
            or_(KillSwitchRow.account_id == account_id, KillSwitchRow.account_id.is_(None)),
            KillSwitchRow.triggered_at >= start,
            KillSwitchRow.triggered_at < end,
        )
    )
    for s in switches:
        kind = f"KILL_SWITCH_{s.switch_type}"
        if (s.triggered_at, kind) not in seen and s.triggered_at is not None:
            out.append(RiskEvent(s.triggered_at, kind, s.trigger_reason or ""))
    return sorted(out, key=lambda e: e.at)


def _payload_summary(payload: dict[str, Any]) -> str:
    keys = ("reason", "switch_type", "action", "threshold", "value", "message")
    parts = [f"{k}={payload[k]}" for k in keys if k in payload and payload[k] not in (None, "")]
    return ", ".join(parts)[:200]


def capital_flows(
    session: Session, account_id: int, until: datetime
) -> list[tuple[datetime, Decimal]]:
    """External money in (+) and out (-) of the account before `until`, oldest first.

    Internal moves (reserve/release/deploy/unwind) are not flows, nor are the ledger's realised
    P&L and fee rows: reports compute those from the fills themselves.
    """
    rows = session.scalars(
        select(CapitalTransaction)
        .where(CapitalTransaction.account_id == account_id, CapitalTransaction.timestamp < until)
        .order_by(CapitalTransaction.timestamp, CapitalTransaction.id)
    )
    out = []
    for r in rows:
        kind = r.transaction_type
        if kind in _INFLOWS:
            out.append((r.timestamp, abs(r.amount)))
        elif kind in _OUTFLOWS:
            out.append((r.timestamp, -abs(r.amount)))
    return [(ts, amt) for ts, amt in out if ts is not None]


def latest_snapshot(session: Session, account_id: int, before: datetime) -> RiskSnapshotRow | None:
    return session.scalar(
        select(RiskSnapshotRow)
        .where(RiskSnapshotRow.account_id == account_id, RiskSnapshotRow.timestamp < before)
        .order_by(RiskSnapshotRow.timestamp.desc())
        .limit(1)
    )


def benchmark_closes(session: Session, start: datetime, end: datetime) -> dict[date, float]:
    """NIFTY 50 daily closes: the last one before `start` (the base) and every one in
    [start, end), from the bars table under any common symbol of the index."""
    for symbol in BENCHMARK_SYMBOLS:
        daily = (BarRow.symbol == symbol, BarRow.interval == "1d", BarRow.close.is_not(None))
        base = session.execute(
            select(BarRow.ts, BarRow.close)
            .where(*daily, BarRow.ts < start)
            .order_by(BarRow.ts.desc())
            .limit(1)
        ).all()
        rows = session.execute(
            select(BarRow.ts, BarRow.close)
            .where(*daily, BarRow.ts >= start, BarRow.ts < end)
            .order_by(BarRow.ts)
        ).all()
        if rows:
            return {to_ist(ts).date(): float(c) for ts, c in [*base, *rows]}
    return {}
