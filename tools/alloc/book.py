"""Own what the allocator knows about an account and the instruments: holdings, cash, status."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.enums import AccountStatus, CardStatus
from core.errors import NotFound
from core.money import ZERO, money
from store.models import Account, Instrument, KillSwitchRow, PositionRow, TradeCardRow
from tools.accounts.views import FundingPlanView
from tools.treasury.deployable import deployable_cash

_COMMITTED = (CardStatus.PENDING.value, CardStatus.APPROVED.value, CardStatus.EXECUTED.value)


@dataclass(frozen=True, slots=True)
class Holding:
    """An open position, or a card that will become one, as exposure."""

    symbol: str
    sector: str | None
    value_inr: Decimal
    risk_inr: Decimal
    source: str  # position | card


@dataclass(frozen=True, slots=True)
class InstrumentRef:
    symbol: str
    sector: str | None = None
    lot_size: int = 1
    tick_size: Decimal | None = None
    market_cap_cr: Decimal | None = None


@dataclass(frozen=True, slots=True)
class AccountBook:
    """An account's state as the allocator sees it (sizing base, cash, holdings)."""

    account_id: int
    status: str
    entries_paused: bool
    equity_inr: Decimal
    deployable_inr: Decimal
    holdings: tuple[Holding, ...] = ()
    idle_inr: Decimal = ZERO

    def sector_value(self, sector: str | None) -> Decimal:
        key = (sector or "").casefold()
        return sum((h.value_inr for h in self.holdings
                    if (h.sector or "").casefold() == key), ZERO)

    @property
    def symbols(self) -> frozenset[str]:
        return frozenset(h.symbol for h in self.holdings)


def _entries_paused(session: Session, account_id: int) -> bool:
    """Use the risk engineer's kill-switch check; fall back to reading triggered switches."""
    try:
        switches: Any = importlib.import_module("tools.risk.switches")
        return bool(switches.entries_paused(session, account_id))
    except (ImportError, AttributeError):
        rows = session.scalars(select(KillSwitchRow).where(
            KillSwitchRow.is_triggered.is_(True), KillSwitchRow.is_active.is_(True),
            (KillSwitchRow.account_id == account_id) | KillSwitchRow.account_id.is_(None)))
        return any((r.action_on_trigger or {}).get("pause_new_entries", True) for r in rows)


def _holdings(session: Session, account_id: int) -> list[Holding]:
    out: list[Holding] = []
    with_position: set[int] = set()
    for p in session.scalars(select(PositionRow).where(PositionRow.account_id == account_id,
                                                       PositionRow.closed_at.is_(None))):
        price = p.current_price or p.average_entry_price
        out.append(Holding(p.symbol, p.sector, money(Decimal(p.quantity) * price),
                           money(p.risk_amount or ZERO), "position"))
        if p.trade_card_id is not None:
            with_position.add(p.trade_card_id)
    sectors = {h.symbol: h.sector for h in out}
    for c in session.scalars(select(TradeCardRow).where(TradeCardRow.account_id == account_id,
                                                        TradeCardRow.status.in_(_COMMITTED))):
        if c.id in with_position:
            continue
        qty = c.approved_quantity or c.quantity
        out.append(Holding(c.symbol, sectors.get(c.symbol) or _card_sector(session, c.symbol),
                           money(Decimal(qty) * c.entry_price), money(c.risk_amount or ZERO),
                           "card"))
    return out


def _card_sector(session: Session, symbol: str) -> str | None:
    return session.scalar(select(Instrument.sector).where(Instrument.symbol == symbol).limit(1))


def load_book(session: Session, account_id: int, plan: FundingPlanView | None) -> AccountBook:
    """Read status, kill switches, ledger cash and holdings; card commitments reduce the cash."""
    acc = session.get(Account, account_id)
    if acc is None:
        raise NotFound(f"account {account_id} does not exist")
    cash = deployable_cash(session, account_id, plan)
    holdings = _holdings(session, account_id)
    committed = sum((h.value_inr for h in holdings if h.source == "card"), ZERO)
    return AccountBook(
        account_id=account_id, status=acc.status or AccountStatus.ACTIVE.value,
        entries_paused=_entries_paused(session, account_id),
        equity_inr=cash.balances.equity, deployable_inr=max(ZERO, cash.amount - committed),
        holdings=tuple(holdings), idle_inr=cash.idle)


def load_instruments(session: Session, symbols: Iterable[str]) -> dict[str, InstrumentRef]:
    """Sector, lot, tick and market cap from the instrument master (NSE rows preferred)."""
    wanted = sorted(set(symbols))
    refs: dict[str, InstrumentRef] = {}
    rows = session.scalars(select(Instrument).where(Instrument.symbol.in_(wanted))
                           .order_by(Instrument.exchange.desc()))
    for r in rows:
        if r.symbol not in refs or r.exchange == "NSE":
            refs[r.symbol] = InstrumentRef(r.symbol, r.sector, r.lot_size or 1, r.tick_size,
                                           r.market_cap_cr)
    return refs


def instrument_for(refs: Mapping[str, InstrumentRef], symbol: str,
                   sector: str | None) -> InstrumentRef:
    """The master's row, else a default (lot 1, price-band tick) carrying the candidate's sector."""
    ref = refs.get(symbol)
    if ref is None:
        return InstrumentRef(symbol, sector)
    if ref.sector is None and sector is not None:
        return InstrumentRef(symbol, sector, ref.lot_size, ref.tick_size, ref.market_cap_cr)
    return ref
