"""Own the risk monitor loop: each tick writes risk_snapshots and fires or re-arms kill switches."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Float, cast, insert, select
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock, to_ist
from core.enums import Direction, SwitchType, ThresholdType
from core.ports import Notifier
from store.audit import AuditLog
from store.db import transaction
from store.models import BarRow, KillSwitchRow, PositionRow, RiskSnapshotRow
from store.repos import positions as positions_repo
from store.repos import risk as repo
from tools.broker.paper import QuoteSource
from tools.risk import switches
from tools.risk.metrics import Holding, ScopeMetrics, aggregate, annualised_vol
from tools.risk.pretrade import session_start


def _f(column: Any) -> Any:
    """Read a Numeric column as float in SQL: the monitor does risk maths, not money, and
    skipping Decimal conversion of every row keeps a tick over 1,000 positions fast."""
    return cast(column, Float).label(column.key)


_POSITION_COLUMNS = (
    PositionRow.account_id, PositionRow.symbol, PositionRow.sector, PositionRow.direction,
    PositionRow.quantity, _f(PositionRow.average_entry_price), _f(PositionRow.stop_loss),
    _f(PositionRow.risk_amount), _f(PositionRow.current_price),
)


class RiskMonitor:
    """Run `tick()` every 1–5 s (`run(interval_s)`): snapshots per account and portfolio, then
    kill-switch evaluation (trigger, audit, notify) and auto-reset of switches whose cool-off ended.
    """

    def __init__(self, sessions: sessionmaker[Session], clock: Clock, audit: AuditLog,
                 quotes: QuoteSource | None, notifier: Notifier | None = None, *,
                 vol_target: float = 0.15, correlation: float = 0.5,
                 vix_symbol: str = "INDIA VIX") -> None:
        self.sessions, self.clock, self.audit = sessions, clock, audit
        self.quotes, self.notifier = quotes, notifier
        self.vol_target, self.correlation, self.vix_symbol = vol_target, correlation, vix_symbol
        self._peak: dict[tuple[int | None, date], float] = {}
        self._max_dd: dict[tuple[int | None, date], float] = {}
        self._vix_open: dict[date, float] = {}
        self._sigmas: dict[str, float | None] = {}
        self._sigma_day: date | None = None
        self._outbox: list[tuple[str, int | None]] = []

    def tick(self) -> list[dict[str, Any]]:
        """Measure every scope, evaluate switches, write snapshots; return the snapshot rows."""
        now = self.clock.now()
        with transaction(self.sessions) as s:
            scopes = self._measure(s, now)
            active = self._evaluate_switches(s, scopes, now)
            rows = [self._snapshot(m, active, now) for m in scopes.values()]
            s.execute(insert(RiskSnapshotRow), rows)
        return rows

    async def run(self, interval_s: float = 2.0, stop: asyncio.Event | None = None) -> None:
        """Tick forever (or until `stop` is set), sending queued notifications between ticks."""
        while stop is None or not stop.is_set():
            self.tick()
            await self.flush_notifications()
            await self.clock.sleep(interval_s)

    async def flush_notifications(self) -> None:
        outbox, self._outbox = self._outbox, []
        if self.notifier is not None:
            for text, account_id in outbox:
                await self.notifier.notify(text, account_id)

    # --- measuring ---------------------------------------------------------------------------
    def _measure(self, s: Session, now: datetime) -> dict[int | None, ScopeMetrics]:
        start = session_start(now)
        holdings, prices = self._holdings(s, start)
        realized = positions_repo.realized_by_account(s, start)
        equity = {a: float(v) for a, v in repo.equities(s).items()}
        sigmas = self._volatilities(s, {h.symbol for h in holdings}, to_ist(now).date())
        scopes = aggregate(holdings, prices, sigmas, equity,
                           {k: float(v or 0) for k, v in realized.items()}, self.correlation)
        day = to_ist(now).date()
        for key, m in scopes.items():
            peak = max(self._peak.get((key, day), 0.0), m.pnl_today)
            self._peak[(key, day)] = peak
            m.drawdown = max(self._max_dd.get((key, day), 0.0), peak - m.pnl_today)
            self._max_dd[(key, day)] = m.drawdown
        return scopes

    def _holdings(self, s: Session, start: datetime) -> tuple[list[Holding], dict[str, float]]:
        today = (PositionRow.opened_at >= start).label("today")
        rows = s.connection().execute(select(*_POSITION_COLUMNS, today).where(
            PositionRow.closed_at.is_(None), PositionRow.quantity > 0)).all()
        prices: dict[str, float] = {}
        holdings = []
        for acc, sym, sector, direction, qty, avg, stop, risk, current, today in rows:
            if sym not in prices:
                q = self.quotes.quote(sym) if self.quotes else None
                prices[sym] = float(q.last if q else (current or avg))
            sign = -1 if direction == Direction.SHORT else 1
            holdings.append(Holding(acc, sym, sector, sign, qty, avg, stop, risk or 0.0,
                                    bool(today)))
        return holdings, prices

    def _volatilities(self, s: Session, symbols: set[str], day: date) -> dict[str, float | None]:
        """Annualised vol per symbol from the last ~21 daily bars, cached for the day."""
        if self._sigma_day != day:
            self._sigmas, self._sigma_day = {}, day
        missing = symbols - set(self._sigmas)
        if missing:
            since = datetime.combine(day - timedelta(days=40), datetime.min.time(),
                                     tzinfo=self.clock.now().tzinfo)
            closes: dict[str, list[float]] = {sym: [] for sym in missing}
            for sym, close in s.execute(select(BarRow.symbol, BarRow.close).where(
                    BarRow.symbol.in_(missing), BarRow.interval == "1d", BarRow.ts >= since)
                    .order_by(BarRow.symbol, BarRow.ts)):
                closes[sym].append(close)
            self._sigmas.update({sym: annualised_vol(c[-21:]) for sym, c in closes.items()})
        return self._sigmas

    # --- switches ----------------------------------------------------------------------------
    def _evaluate_switches(self, s: Session, scopes: dict[int | None, ScopeMetrics],
                           now: datetime) -> dict[int | None, list[str]]:
        active: dict[int | None, list[str]] = {}
        for row in repo.switches(s):
            if switches.auto_reset_due(row, now):
                switches.reset(s, self.audit, row.id, "auto", now=now)
            if not row.is_triggered:
                self._check(s, row, scopes.get(row.account_id), now)
            if row.is_triggered:
                label = f"{row.switch_type}#{row.id}"
                active.setdefault(row.account_id, []).append(label)
        return active

    def _check(self, s: Session, row: KillSwitchRow, m: ScopeMetrics | None,
               now: datetime) -> None:
        value = self._value(row, m, now)
        if value is None or row.threshold_value is None or value < row.threshold_value:
            return
        scope = f"account {row.account_id}" if row.account_id else "portfolio"
        reason = (f"{row.switch_type} on {scope}: {value:.2f} reached the threshold "
                  f"{row.threshold_value} ({row.threshold_type})")
        switches.trigger(s, self.audit, row, round(value, 4), reason, now)
        self._outbox.append((f"Kill switch fired: {reason}", row.account_id))

    def _value(self, row: KillSwitchRow, m: ScopeMetrics | None, now: datetime) -> float | None:
        pct = row.threshold_type == ThresholdType.PERCENTAGE
        if row.switch_type == SwitchType.VOL_SPIKE:
            return self._vix_jump(now, pct)
        if m is None:
            return None
        raw = {SwitchType.MAX_DAILY_LOSS: m.loss_today, SwitchType.MAX_DRAWDOWN: m.drawdown,
               SwitchType.MAX_OPEN_RISK: m.open_risk}.get(SwitchType(row.switch_type or "MANUAL"))
        if raw is None:
            return None
        return m.pct(raw) if pct else raw

    def _vix_jump(self, now: datetime, pct: bool) -> float | None:
        q = self.quotes.quote(self.vix_symbol) if self.quotes else None
        if q is None:
            return None
        first = self._vix_open.setdefault(to_ist(now).date(), q.last)
        return 100.0 * (q.last / first - 1.0) if pct else q.last

    def _snapshot(self, m: ScopeMetrics, active: dict[int | None, list[str]],
                  now: datetime) -> dict[str, Any]:
        labels = active.get(m.account_id, []) + (active.get(None, []) if m.account_id else [])
        return {
            "account_id": m.account_id, "total_open_risk": round(m.open_risk, 2),
            "total_unrealized_pnl": round(m.unrealized, 2), "open_positions_count": m.count,
            "daily_new_risk": round(m.new_risk_today, 2),
            "daily_realized_pnl": round(m.realized_today, 2),
            "daily_max_drawdown": round(m.drawdown, 2), "portfolio_volatility": m.volatility,
            "volatility_target": self.vol_target, "equity": round(m.equity, 2),
            "sector_exposures": m.sectors, "kill_switches_active": labels, "timestamp": now,
        }
