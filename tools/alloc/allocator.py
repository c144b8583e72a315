"""Own the per-account allocation run: filter → rank → bracket → size, deterministic and pure.
Every candidate ends up sized or dropped with its reason; good candidates stopped only by cash
are reported as shortfalls so the treasury can propose a transfer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from typing import Any

from core.enums import AccountStatus
from core.money import ZERO, money
from core.pipeline import Candidate, DroppedCandidate, SizedCandidate
from tools.accounts.views import MandateView
from tools.alloc.blackout import BlackoutCalendar
from tools.alloc.book import AccountBook, InstrumentRef, instrument_for
from tools.alloc.brackets import Bracket, BracketError, make_bracket
from tools.alloc.filters import FilterContext, reject_reason, sector_of
from tools.alloc.playbook import overrides
from tools.alloc.ranking import rank, score
from tools.alloc.sizing import SizeResult, SizingInput, size_position
from tools.treasury.transfers import CashShortfall

DEFAULT_MAX_POSITIONS = 10
DEFAULT_SECTOR_CAP_PCT = 30.0
DEFAULT_RISK_PCT = 1.0
MIN_POSITION_PCT = Decimal("1")  # a position worth less than 1 % of equity is noise, not a trade


@dataclass(frozen=True, slots=True)
class Allocation:
    account_id: int
    sized: tuple[SizedCandidate, ...]
    dropped: tuple[DroppedCandidate, ...]
    shortfalls: tuple[CashShortfall, ...] = ()


@dataclass
class _State:
    """What this run has committed so far (positions, sector rupees, cash)."""

    slots: int
    cash: Decimal
    sectors: dict[str, Decimal] = field(default_factory=dict)
    symbols: set[str] = field(default_factory=set)


def _sector_key(sector: str | None) -> str:
    return (sector or "unknown").casefold()


def _initial_state(mandate: MandateView, book: AccountBook) -> _State:
    state = _State(slots=(mandate.max_positions or DEFAULT_MAX_POSITIONS) - len(book.holdings),
                   cash=book.deployable_inr, symbols=set(book.symbols))
    for h in book.holdings:
        key = _sector_key(h.sector)
        state.sectors[key] = state.sectors.get(key, ZERO) + h.value_inr
    return state


def _account_gate(book: AccountBook) -> str | None:
    if book.status != AccountStatus.ACTIVE.value:
        return f"account {book.status}: no new entries"
    if book.entries_paused:
        return "entries paused by a kill switch"
    return None


def _sizing_input(c: Candidate, b: Bracket, m: MandateView, book: AccountBook, st: _State,
                  sector: str | None, lot: int) -> SizingInput:
    cap_pct = Decimal(str(m.max_sector_exposure_percent or DEFAULT_SECTOR_CAP_PCT))
    room = book.equity_inr * cap_pct / 100 - st.sectors.get(_sector_key(sector), ZERO)
    return SizingInput(
        equity_inr=book.equity_inr, risk_per_trade_pct=m.risk_per_trade_percent or DEFAULT_RISK_PCT,
        entry=b.entry, per_share_risk=b.per_share_risk, reward_risk=b.reward_risk,
        tp_probability=c.tp_probability, sl_probability=c.sl_probability,
        volatility_pct=c.volatility_pct, objective=m.objective,
        max_positions=m.max_positions or DEFAULT_MAX_POSITIONS, sector_room_inr=room,
        cash_inr=st.cash, lot_size=lot, adv_inr=c.adv_inr)


def _min_qty(equity: Decimal, entry: Decimal, lot: int) -> int:
    """Whole lots worth at least MIN_POSITION_PCT of equity (at least one lot)."""
    floor_value = equity * MIN_POSITION_PCT / 100
    lots = int((floor_value / (entry * lot)).to_integral_value(rounding=ROUND_CEILING)) \
        if entry > 0 else 1
    return max(1, lots) * lot


def _too_small(c: Candidate, b: Bracket, size: SizeResult, st: _State, min_qty: int, lot: int,
               account_id: int) -> tuple[str, CashShortfall | None]:
    if size.binding != "cash":
        allowed = size.limits[size.binding]
        return f"{size.binding}: allows {allowed} shares, minimum {min_qty} (lot {lot})", None
    others = min(v for k, v in size.limits.items() if k != "cash")
    want = max(min_qty, (others // lot) * lot)
    needed = money(Decimal(want) * b.entry - st.cash)
    reason = f"cash: needs ₹{money(Decimal(want) * b.entry)}, deployable ₹{money(st.cash)}"
    if others < min_qty:
        return reason, None
    return reason, CashShortfall(account_id, c.signal_id, c.symbol, needed, c.quality_score)


def _sized(c: Candidate, b: Bracket, qty: int, account_id: int, rank_score: float,
           pb: Any, notes: tuple[str, ...]) -> SizedCandidate:
    q = Decimal(qty)
    return SizedCandidate(
        candidate=c, account_id=account_id, quantity=qty, entry_price=b.entry,
        entry_order_type=b.order_type, stop_loss=b.stop, take_profit=b.target,
        risk_amount=money(q * b.per_share_risk), reward_amount=money(q * b.per_share_reward),
        position_size_inr=money(q * b.entry), rank_score=rank_score, trailing_stop=b.trailing,
        tranche_plan=tuple(getattr(pb, "tranche_plan", None) or ()),
        playbook_id=getattr(pb, "id", None), playbook_overrides=overrides(pb),
        sizing_notes=notes)


def allocate(
    candidates: Iterable[Candidate], mandate: MandateView, book: AccountBook,
    instruments: Mapping[str, InstrumentRef], blackout: BlackoutCalendar, now: datetime,
    playbooks: Mapping[int, Any] | None = None,
) -> Allocation:
    """Size every acceptable candidate for one account, best-ranked first."""
    acc, pbs, cands = book.account_id, playbooks or {}, list(candidates)
    gate = _account_gate(book)
    if gate is not None:
        return Allocation(acc, (), tuple(DroppedCandidate(c.signal_id, acc, c.symbol, gate)
                                         for c in cands))
    dropped: list[DroppedCandidate] = []
    scored: list[tuple[float, Candidate]] = []
    for c in cands:
        pb = pbs.get(c.signal_id)
        ctx = FilterContext(mandate, book, instrument_for(instruments, c.symbol, c.sector),
                            blackout, now, pb)
        reason = reject_reason(c, ctx)
        if reason is not None:
            dropped.append(DroppedCandidate(c.signal_id, acc, c.symbol, reason))
        else:
            scored.append((score(c, mandate.objective, getattr(pb, "priority_boost", 0) or 0), c))
    state = _initial_state(mandate, book)
    sized: list[SizedCandidate] = []
    short: list[CashShortfall] = []
    for rank_score, c in rank(scored):
        outcome = _place(c, rank_score, mandate, book, instruments, state, pbs.get(c.signal_id))
        if isinstance(outcome, SizedCandidate):
            sized.append(outcome)
            continue
        reason, shortfall = outcome
        dropped.append(DroppedCandidate(c.signal_id, acc, c.symbol, reason))
        if shortfall is not None:
            short.append(shortfall)
    return Allocation(acc, tuple(sized), tuple(dropped), tuple(short))


def _place(c: Candidate, rank_score: float, m: MandateView, book: AccountBook,
           instruments: Mapping[str, InstrumentRef], st: _State,
           pb: Any) -> SizedCandidate | tuple[str, CashShortfall | None]:
    if c.symbol in st.symbols:
        return f"duplicate: {c.symbol} already sized in this run", None
    if st.slots <= 0:
        return f"max positions: {m.max_positions or DEFAULT_MAX_POSITIONS} reached", None
    ref = instrument_for(instruments, c.symbol, c.sector)
    try:
        b = make_bracket(c, m, pb, ref.tick_size)
    except BracketError as exc:
        return f"bracket: {exc}", None
    sector = sector_of(c, ref)
    lot = max(1, ref.lot_size)
    size = size_position(_sizing_input(c, b, m, book, st, sector, lot))
    min_qty = _min_qty(book.equity_inr, b.entry, lot)
    if size.quantity < min_qty:
        return _too_small(c, b, size, st, min_qty, lot, book.account_id)
    out = _sized(c, b, size.quantity, book.account_id, rank_score, pb,
                 (size.note(), f"R:R {b.reward_risk:.2f} (SL {b.sl_multiplier}×ATR, "
                               f"TP {b.tp_multiplier}×ATR)"))
    st.slots -= 1
    st.cash -= out.position_size_inr
    key = _sector_key(sector)
    st.sectors[key] = st.sectors.get(key, ZERO) + out.position_size_inr
    st.symbols.add(c.symbol)
    return out
