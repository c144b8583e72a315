"""Own the guardrail checklist computed for every sized candidate before it becomes a card.

Hard checks (a failure blocks the card): liquidity, banned_window, risk_cap, exposure.
Soft checks (a failure becomes a risk warning): regime, overbought, catalyst_fresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from core.clock import to_ist
from core.enums import Direction, Objective, Stance, Strategy, VolRegime
from core.money import ZERO
from core.pipeline import GuardrailResult, SizedCandidate
from tools.accounts.views import MandateView
from tools.alloc.blackout import BlackoutCalendar
from tools.alloc.book import AccountBook
from tools.alloc.sizing import MAX_ADV_PARTICIPATION

RSI_OVERBOUGHT, RSI_OVERSOLD = 75.0, 25.0
CATALYST_MAX_AGE = timedelta(hours=72)
_PCT = Decimal(100)


@dataclass(frozen=True, slots=True)
class GuardrailContext:
    mandate: MandateView
    book: AccountBook
    blackout: BlackoutCalendar
    now: datetime
    sector: str | None = None
    earlier: Sequence[SizedCandidate] = field(default_factory=tuple)  # sized before, same run


def _r(name: str, ok: bool, hard: bool, detail: str) -> GuardrailResult:
    return GuardrailResult(name=name, passed=ok, hard=hard, detail=detail)


def check_liquidity(s: SizedCandidate, x: GuardrailContext) -> GuardrailResult:
    adv = Decimal(str(s.candidate.adv_inr))
    floor = x.mandate.liquidity_floor_adv or ZERO
    share = s.position_size_inr / adv if adv > 0 else Decimal("Infinity")
    ok = adv >= floor and share <= MAX_ADV_PARTICIPATION
    return _r("liquidity", ok, True, f"ADV ₹{adv:,.0f} (floor ₹{floor:,.0f}); position is "
                                     f"{float(share) * 100:.2f}% of ADV (max 5%)")


def check_banned_window(s: SizedCandidate, x: GuardrailContext) -> GuardrailResult:
    c, problems = s.candidate, []
    if x.sector and x.sector.casefold() in {b.casefold() for b in x.mandate.banned_sectors}:
        problems.append(f"sector {x.sector} is banned")
    days = x.mandate.earnings_blackout_days or 0
    hit = x.blackout.hit(c.symbol, to_ist(x.now).date(), days)
    if hit is not None:
        problems.append(f"results on {hit.isoformat()} within ±{days}d")
    if x.now >= c.expires_at:
        problems.append("signal expired")
    return _r("banned_window", not problems, True, "; ".join(problems) or
              f"no banned sector, no results within ±{days}d, signal live")


def check_risk_cap(s: SizedCandidate, x: GuardrailContext) -> GuardrailResult:
    pct = Decimal(str(x.mandate.risk_per_trade_percent or 1.0))
    cap = x.book.equity_inr * pct / _PCT
    ok = s.quantity > 0 and ZERO < s.risk_amount <= cap
    return _r("risk_cap", ok, True, f"risk ₹{s.risk_amount} vs cap ₹{cap:.2f} ({pct}% of "
                                    f"₹{x.book.equity_inr})")


def check_exposure(s: SizedCandidate, x: GuardrailContext) -> GuardrailResult:
    m, book = x.mandate, x.book
    key = (x.sector or "unknown").casefold()
    same = [e for e in x.earlier if (e.candidate.sector or "unknown").casefold() == key]
    sector_after = (book.sector_value(x.sector) + s.position_size_inr
                    + sum((e.position_size_inr for e in same), ZERO))
    sector_cap = book.equity_inr * Decimal(str(m.max_sector_exposure_percent or 30)) / _PCT
    count_after = len(book.holdings) + len(x.earlier) + 1
    cash_after = book.deployable_inr - sum((e.position_size_inr for e in x.earlier), ZERO)
    problems = []
    if sector_after > sector_cap:
        problems.append(f"sector ₹{sector_after} > cap ₹{sector_cap:.2f}")
    if m.max_positions is not None and count_after > m.max_positions:
        problems.append(f"{count_after} positions > max {m.max_positions}")
    if s.position_size_inr > cash_after:
        problems.append(f"₹{s.position_size_inr} > deployable ₹{cash_after}")
    return _r("exposure", not problems, True, "; ".join(problems) or
              f"sector ₹{sector_after} of cap ₹{sector_cap:.2f}; {count_after} positions; "
              f"cash ₹{cash_after}")


def check_regime(s: SizedCandidate, x: GuardrailContext) -> GuardrailResult:
    c, problems = s.candidate, []
    if x.mandate.objective == Objective.RISK_MINIMIZED.value and \
            c.regime_label == VolRegime.HIGH_VOL.value:
        problems.append("high-volatility regime for a risk-minimised mandate")
    against = {Direction.LONG: Stance.BEARISH.value, Direction.SHORT: Stance.BULLISH.value}
    if c.stance is not None and c.stance == against[c.direction]:
        problems.append(f"{c.direction.value} against a {c.stance} event stance")
    return _r("regime", not problems, False, "; ".join(problems) or
              f"regime {c.regime_label or 'unknown'} compatible")


def check_overbought(s: SizedCandidate, _: GuardrailContext) -> GuardrailResult:
    c = s.candidate
    if c.rsi_14 is None:
        return _r("overbought", True, False, "RSI unknown")
    bad = (c.direction == Direction.LONG and c.rsi_14 > RSI_OVERBOUGHT) or (
        c.direction == Direction.SHORT and c.rsi_14 < RSI_OVERSOLD)
    return _r("overbought", not bad, False, f"RSI(14) {c.rsi_14:.1f} for a {c.direction.value}")


def check_catalyst_fresh(s: SizedCandidate, x: GuardrailContext) -> GuardrailResult:
    c = s.candidate
    if c.event_timestamp is None:
        needs = c.strategy == Strategy.EVENT_DRIVEN.value
        return _r("catalyst_fresh", not needs, False,
                  "event-driven trade without a catalyst" if needs else "no catalyst needed")
    age = x.now - c.event_timestamp
    hours = age.total_seconds() / 3600
    return _r("catalyst_fresh", age <= CATALYST_MAX_AGE, False,
              f"catalyst {hours:.1f} h old (max {CATALYST_MAX_AGE.total_seconds() / 3600:.0f} h)")


CHECKLIST = (check_liquidity, check_banned_window, check_risk_cap, check_exposure, check_regime,
             check_overbought, check_catalyst_fresh)


def run_guardrails(s: SizedCandidate, ctx: GuardrailContext) -> list[GuardrailResult]:
    """Every check, in checklist order."""
    return [check(s, ctx) for check in CHECKLIST]


def blocked(results: Sequence[GuardrailResult]) -> bool:
    return any(r.hard and not r.passed for r in results)
