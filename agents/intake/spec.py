"""Own the step from parsed intake answers to a validated AccountSpec and its summary paragraph."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError as PydanticValidationError

from core.enums import AccountType, FundingType
from core.errors import ValidationError
from tools.accounts.schemas import AccountSpec

_MANDATE_KEYS = (
    "objective",
    "risk_per_trade_percent",
    "horizon_min_days",
    "horizon_max_days",
    "banned_sectors",
    "allowed_strategies",
    "max_daily_loss_percent",
    "max_drawdown_percent",
    "approval_mode",
)
_DEFAULT_NOTES = (
    "not asked: at most 8 open positions, 30% of capital per sector",
    "not asked: stop 1.5 ATR and target 3 ATR from entry, no trailing stop",
    "not asked: no new entries 2 days before results; liquidity floor ₹5 crore traded a day",
    "not asked: SIP/tranche cash carries forward up to 50%, 5% kept as an emergency buffer",
)
_TYPE_WORDS = {
    AccountType.SIP: "SIP",
    AccountType.LUMP_SUM: "lump-sum",
    AccountType.EVENT_TACTICAL: "event-tactical",
}
_FUNDING_KEYS = (
    "funding_type",
    "sip_amount",
    "sip_frequency",
    "sip_start_date",
    "sip_duration_months",
    "lump_sum_amount",
    "lump_sum_date",
    "tranche_plan",
)


def _account_type(merged: dict[str, Any]) -> AccountType:
    if merged.get("tactical"):
        return AccountType.EVENT_TACTICAL
    if merged.get("funding_type") in (FundingType.SIP.value, FundingType.HYBRID.value):
        return AccountType.SIP
    return AccountType.LUMP_SUM


def build_spec(
    fields: dict[str, dict[str, Any]], assumptions: list[str], owner: str
) -> AccountSpec:
    """Merge per-question fields into an AccountSpec; a bad value raises naming its field."""
    merged: dict[str, Any] = {}
    for part in fields.values():
        merged.update(part)
    mandate = {k: merged[k] for k in _MANDATE_KEYS if merged.get(k) is not None}
    funding = {k: merged[k] for k in _FUNDING_KEYS if merged.get(k) is not None}
    notes = [*assumptions, *_DEFAULT_NOTES]
    mandate["assumption_log"] = tuple({"assumption": a} for a in notes)
    try:
        spec = AccountSpec.model_validate(
            {
                "name": merged.get("name", ""),
                "owner": owner,
                "account_type": _account_type(merged),
                "mandate": mandate,
                "funding": funding,
            }
        )
    except PydanticValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"]]
        field = next((p for p in reversed(loc) if not p.isdigit()), "spec")
        raise ValidationError(err["msg"], field=field) from exc
    summary = summarise(spec, merged.get("goal"))
    return spec.model_copy(update={"mandate": spec.mandate.model_copy(update={"summary": summary})})


def _funding_sentence(spec: AccountSpec) -> str:
    f = spec.funding
    parts = []
    if f.sip_amount is not None:
        span = f" for {f.sip_duration_months} months" if f.sip_duration_months else ""
        parts.append(f"an SIP of ₹{f.sip_amount:,} {str(f.sip_frequency).lower()}{span}")
    if f.lump_sum_amount is not None:
        n = len(f.tranche_plan) or 1
        parts.append(f"a lump sum of ₹{f.lump_sum_amount:,} in {n} tranche{'s' if n > 1 else ''}")
    return " plus ".join(parts)


def _article(word: str) -> str:
    return f"an {word}" if word[0].lower() in "aeiou" or word.startswith("SIP") else f"a {word}"


def summarise(spec: AccountSpec, goal: str | None = None) -> str:
    """Write the one-paragraph mandate summary the user confirms (deterministic)."""
    m = spec.mandate
    avoid = ", ".join(m.banned_sectors) if m.banned_sectors else "no sectors"
    strategies = ", ".join(str(s).replace("_", " ") for s in m.allowed_strategies)
    approval = "every trade" if m.approval_mode == "every_trade" else "new entries only"
    goal_part = f" for {goal.rstrip('.')}" if goal else ""
    return (
        f"{spec.name} is {_article(_TYPE_WORDS[spec.account_type])} account{goal_part}, "
        f"aiming for {m.objective.value.replace('_', ' ').lower()}. It is funded by "
        f"{_funding_sentence(spec)}. Trades are held {m.horizon_min_days} to {m.horizon_max_days} "
        f"trading days, risking {m.risk_per_trade_percent}% of capital each, with a "
        f"{m.max_daily_loss_percent}% daily loss limit and a {m.max_drawdown_percent}% maximum "
        f"drawdown. It avoids {avoid}, may use {strategies}, and asks for approval on {approval}."
    )
