"""Own the end-of-day report of one account: trades, P&L with fees, open positions and risk,
kill-switch events, card decisions and the hit rate so far."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.money import ZERO, money
from store.models import AuditLogRow
from tools.reports.data import (
    AccountHeader,
    CardDecision,
    RiskEvent,
    Trade,
    account_header,
    card_decisions,
    current_stops,
    day_window,
    latest_snapshot,
    load_trades,
    mark_price,
    risk_events,
)
from tools.reports.pnl import hit_rate, realised_between, realised_steps


@dataclass(frozen=True, slots=True)
class TradeLine:
    at: datetime
    card_id: int
    symbol: str
    side: str
    quantity: int
    price: Decimal
    fees: Decimal
    realised_inr: Decimal


@dataclass(frozen=True, slots=True)
class OpenLine:
    card_id: int
    symbol: str
    quantity: int  # signed: negative is short
    average_price: Decimal
    mark_price: Decimal | None
    stop_loss: Decimal | None
    take_profit: Decimal | None
    unrealised_inr: Decimal | None
    open_risk_inr: Decimal


@dataclass(frozen=True, slots=True)
class EodReport:
    account: AccountHeader
    report_date: date
    simulated: bool
    trades: tuple[TradeLine, ...]
    realised_gross_inr: Decimal
    fees_inr: Decimal
    realised_net_inr: Decimal
    unrealised_inr: Decimal
    open_positions: tuple[OpenLine, ...]
    open_risk_inr: Decimal
    equity_inr: Decimal | None
    risk_events: tuple[RiskEvent, ...]
    decisions: tuple[CardDecision, ...]
    wins: int
    closed_trades: int
    hit_rate: float | None
    audit_head: tuple[int, str] | None = None  # (seq, row hash) of the chain at the close

    def counts(self) -> dict[str, int]:
        """How many cards were created, approved, rejected, expired and blocked today."""
        out = dict.fromkeys(("CREATED", "APPROVED", "REJECTED", "EXPIRED", "BLOCKED"), 0)
        for d in self.decisions:
            out[d.outcome] = out.get(d.outcome, 0) + 1
        return out

    def summary(self) -> dict[str, object]:
        """The JSON summary stored beside the report."""
        return {
            "account_id": self.account.id,
            "date": self.report_date.isoformat(),
            "simulated": self.simulated,
            "trades": len(self.trades),
            "realised_gross_inr": str(self.realised_gross_inr),
            "fees_inr": str(self.fees_inr),
            "realised_net_inr": str(self.realised_net_inr),
            "unrealised_inr": str(self.unrealised_inr),
            "open_positions": len(self.open_positions),
            "open_risk_inr": str(self.open_risk_inr),
            "kill_switch_events": len(self.risk_events),
            "cards": self.counts(),
            "hit_rate": self.hit_rate,
            "closed_trades": self.closed_trades,
            "audit_head": {"seq": self.audit_head[0], "hash": self.audit_head[1]}
            if self.audit_head else None,
        }


def build_eod(session: Session, account_id: int, day: date, *, simulated: bool) -> EodReport:
    """Build the EOD report of `day` (IST) from the store; any past day works (replay)."""
    start, end = day_window(day)
    trades = load_trades(session, account_id, end)
    lines = _trade_lines(trades, start, end)
    gross, fees = ZERO, ZERO
    for t in trades:
        g, f = realised_between(t.fills, start, end)
        gross, fees = gross + g, fees + f
    opens = _open_lines(session, trades, end)
    closed = [t for t in trades if realised_steps(t.fills)[-1].position_after == 0]
    wins, n, rate = hit_rate(_net_result(t) for t in closed)
    snap = latest_snapshot(session, account_id, end)
    return EodReport(
        account=account_header(session, account_id),
        report_date=day,
        simulated=simulated,
        trades=tuple(lines),
        realised_gross_inr=money(gross),
        fees_inr=money(fees),
        realised_net_inr=money(gross - fees),
        unrealised_inr=money(sum((o.unrealised_inr or ZERO for o in opens), ZERO)),
        open_positions=tuple(opens),
        open_risk_inr=money(sum((o.open_risk_inr for o in opens), ZERO)),
        equity_inr=money(snap.equity) if snap is not None and snap.equity is not None else None,
        risk_events=tuple(risk_events(session, account_id, start, end)),
        decisions=tuple(card_decisions(session, account_id, start, end)),
        wins=wins,
        closed_trades=n,
        hit_rate=rate,
        audit_head=audit_head_at(session, end),
    )


def audit_head_at(session: Session, end: datetime) -> tuple[int, str] | None:
    """The newest audit row written before `end`: recorded outside the database (in this report,
    sent to Telegram), it makes a later deletion of rows up to it detectable."""
    row = session.execute(
        select(AuditLogRow.seq, AuditLogRow.row_hash).where(AuditLogRow.timestamp < end)
        .order_by(AuditLogRow.seq.desc()).limit(1)).first()
    return (int(row[0]), str(row[1])) if row else None


def _net_result(trade: Trade) -> Decimal:
    steps = realised_steps(trade.fills)
    return sum((s.realised_inr - s.fill.fees for s in steps), ZERO)


def _trade_lines(trades: list[Trade], start: datetime, end: datetime) -> list[TradeLine]:
    out = []
    for t in trades:
        for s in realised_steps(t.fills):
            if start <= s.fill.ts < end:
                out.append(
                    TradeLine(
                        s.fill.ts,
                        t.card_id,
                        t.symbol,
                        s.fill.side,
                        s.fill.quantity,
                        s.fill.price,
                        s.fill.fees,
                        s.realised_inr,
                    )
                )
    return sorted(out, key=lambda x: (x.at, x.card_id))


def _open_lines(session: Session, trades: list[Trade], end: datetime) -> list[OpenLine]:
    stops = current_stops(session, [t.card_id for t in trades])
    out = []
    for t in trades:
        last = realised_steps(t.fills)[-1]
        qty, avg = last.position_after, last.average_after
        if qty == 0:
            continue
        mark = mark_price(session, t.symbol, end)
        stop = stops.get(t.card_id, t.stop_loss)
        unreal = money((mark - avg) * qty) if mark is not None else None
        risk = ZERO if stop is None else max(ZERO, (avg - stop) * qty)
        out.append(
            OpenLine(
                t.card_id, t.symbol, qty, money(avg), mark, stop, t.take_profit, unreal, money(risk)
            )
        )
    return out
