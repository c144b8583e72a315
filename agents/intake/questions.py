"""Own the intake questionnaire: the eight questions, in order, each with an example answer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    text: str
    example: str


QUESTIONS: tuple[Question, ...] = (
    Question("name", "What should we call this account?", "SIP Aggressive 24m"),
    Question(
        "objective",
        "What is the goal, and what matters most: maximum profit, keeping risk low, or a balance?",
        "Grow my bonus, balanced",
    ),
    Question(
        "funding",
        "How will money come in? An SIP (amount, weekly/monthly, how long) or a lump sum "
        "(amount, in how many tranches)?",
        "SIP 25000 monthly for 24 months  |  lump sum 5 lakh in 3 tranches",
    ),
    Question("horizon", "How long should a trade usually be held?", "2 to 10 days"),
    Question(
        "risk",
        "How much risk can you take: low, medium or high? You can also give numbers.",
        "medium  |  1% per trade, 8% max drawdown",
    ),
    Question("sectors", "Any sectors to avoid?", "banking, pharma  |  none"),
    Question(
        "strategies",
        "Which strategies are allowed: momentum, mean reversion, event driven, ml — or all?",
        "momentum, event driven  |  all",
    ),
    Question(
        "approval",
        "Should I ask you before every trade, or only before new entries (exits go automatically)?",
        "every trade  |  entries only",
    ),
)
KEYS: tuple[str, ...] = tuple(q.key for q in QUESTIONS)
# Which question fixes a spec field, so a validation error can send the user back to it.
FIELD_TO_KEY: dict[str, str] = {
    "name": "name",
    "objective": "objective",
    "account_type": "funding",
    "funding": "funding",
    "sip_amount": "funding",
    "sip_frequency": "funding",
    "sip_duration_months": "funding",
    "lump_sum_amount": "funding",
    "tranche_plan": "funding",
    "horizon_min_days": "horizon",
    "horizon_max_days": "horizon",
    "risk_per_trade_percent": "risk",
    "max_drawdown_percent": "risk",
    "max_daily_loss_percent": "risk",
    "banned_sectors": "sectors",
    "allowed_strategies": "strategies",
    "approval_mode": "approval",
}
