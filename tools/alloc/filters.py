"""Own the mandate filters: why a candidate may not be traded by an account, as a reason string."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from core.clock import to_ist
from core.enums import Direction
from core.pipeline import Candidate
from tools.accounts.views import MandateView
from tools.alloc.blackout import BlackoutCalendar
from tools.alloc.book import AccountBook, InstrumentRef

SMALLCAP_BELOW_CR = Decimal("20000")  # SEBI/AMFI small-cap cut-off is rank-based; ~₹20k cr today


@dataclass(frozen=True, slots=True)
class FilterContext:
    mandate: MandateView
    book: AccountBook
    ref: InstrumentRef
    blackout: BlackoutCalendar
    now: datetime
    playbook: Any = None


Check = Callable[[Candidate, FilterContext], str | None]


def sector_of(c: Candidate, ref: InstrumentRef) -> str | None:
    return c.sector or ref.sector


_NUMERIC = ("edge_pct", "tp_probability", "sl_probability", "quality_score", "atr",
            "volatility_pct", "adv_inr")


def _numbers(c: Candidate, _: FilterContext) -> str | None:
    bad = [f for f in _NUMERIC if not math.isfinite(float(getattr(c, f)))]
    if not c.ref_price.is_finite() or c.ref_price <= 0:
        bad.append("ref_price")
    return f"data: {', '.join(bad)} not a usable number" if bad else None


def _expired(c: Candidate, x: FilterContext) -> str | None:
    return f"expired: signal expired at {c.expires_at.isoformat()}" if x.now >= c.expires_at \
        else None


def _trust(c: Candidate, _: FilterContext) -> str | None:
    if c.is_trustworthy:
        return None
    return f"meta-label: not trustworthy (quality {c.quality_score:.2f})"


def _horizon(c: Candidate, x: FilterContext) -> str | None:
    lo, hi = x.mandate.horizon_min_days or 1, x.mandate.horizon_max_days or 250
    if lo <= c.horizon_days <= hi:
        return None
    return f"horizon: {c.horizon_days}d outside the mandate's {lo}-{hi}d"


def _short(c: Candidate, _: FilterContext) -> str | None:
    if c.direction == Direction.SHORT and c.horizon_days > 1:
        return "short: the cash segment cannot carry a short overnight"
    return None


def _liquidity(c: Candidate, x: FilterContext) -> str | None:
    floor = x.mandate.liquidity_floor_adv
    if floor is not None and Decimal(str(c.adv_inr)) < floor:
        return f"liquidity: ADV ₹{c.adv_inr:,.0f} below the floor ₹{floor:,.0f}"
    return None


def _market_cap(c: Candidate, x: FilterContext) -> str | None:
    floor = x.mandate.min_market_cap or Decimal(0)
    cap = x.ref.market_cap_cr
    if floor > 0 and cap is None:
        return f"market cap: unknown for {c.symbol} (mandate needs ₹{floor:,.0f} cr)"
    if cap is not None and cap < floor:
        return f"market cap: ₹{cap:,.0f} cr below ₹{floor:,.0f} cr"
    if _smallcap_paused(c, x) and (cap is None or cap < SMALLCAP_BELOW_CR):
        return "playbook: small caps paused"
    return None


def _smallcap_paused(c: Candidate, x: FilterContext) -> bool:
    """The playbook pauses small caps for pause_duration_hours after the event (always if unset)."""
    if x.playbook is None or not getattr(x.playbook, "pause_smallcap", False):
        return False
    hours = getattr(x.playbook, "pause_duration_hours", None)
    if not hours or c.event_timestamp is None:
        return True
    return x.now < c.event_timestamp + timedelta(hours=hours)


def _banned(c: Candidate, x: FilterContext) -> str | None:
    sector = sector_of(c, x.ref)
    banned = {s.casefold() for s in x.mandate.banned_sectors}
    if sector is not None and sector.casefold() in banned:
        return f"banned sector: {sector}"
    if sector is None and banned:
        return "banned sector: sector unknown, cannot prove it is allowed"
    return None


def _blackout(c: Candidate, x: FilterContext) -> str | None:
    days = x.mandate.earnings_blackout_days or 0
    hit = x.blackout.hit(c.symbol, to_ist(x.now).date(), days)
    return None if hit is None else f"earnings blackout: results on {hit.isoformat()} (±{days}d)"


def _strategy(c: Candidate, x: FilterContext) -> str | None:
    allowed = {s.casefold() for s in x.mandate.allowed_strategies}
    if allowed and c.strategy.casefold() not in allowed:
        return f"strategy: {c.strategy} not in {sorted(allowed)}"
    return None


def _held(c: Candidate, x: FilterContext) -> str | None:
    return f"already held or carded: {c.symbol}" if c.symbol in x.book.symbols else None


CHECKS: tuple[Check, ...] = (_numbers, _expired, _trust, _horizon, _short, _liquidity, _market_cap,
                             _banned, _blackout, _strategy, _held)


def reject_reason(c: Candidate, ctx: FilterContext) -> str | None:
    """The first mandate rule the candidate breaks, or None when it may be sized."""
    for check in CHECKS:
        reason = check(c, ctx)
        if reason is not None:
            return reason
    return None
