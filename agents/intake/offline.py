"""Own the offline twin of the intake agent: a deterministic parser of each answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from core.enums import FundingType, Objective, SipFrequency, Strategy
from tools.accounts.schemas import normalise_sector

MODEL_VERSION = "intake-offline-v1"
MAX_ANSWER_CHARS = 500
MAX_AMOUNT_INR = Decimal(10) ** 10  # ₹1,000 crore; also keeps Money columns far from overflow


class AnswerError(ValueError):
    """The answer could not be understood; the message says what was missing."""


@dataclass(frozen=True, slots=True)
class Parsed:
    fields: dict[str, Any]
    assumptions: list[str] = field(default_factory=list)


_UNITS = {
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "l": Decimal(100_000),
    "lakh": Decimal(100_000),
    "lakhs": Decimal(100_000),
    "lac": Decimal(100_000),
    "cr": Decimal(10_000_000),
    "crore": Decimal(10_000_000),
    "crores": Decimal(10_000_000),
}
_AMOUNT = re.compile(
    r"(?:₹|rs\.?|inr)?\s*(\d[\d,]*(?:\.\d+)?)\s*(k|thousand|lakhs?|lac|l|crores?|cr)?\b", re.I
)


def amounts_inr(text: str) -> list[Decimal]:
    """Find rupee amounts such as 25000, 25,000, 25k, 5 lakh, 1.5 cr (in order of appearance)."""
    out = []
    for m in _AMOUNT.finditer(text):
        try:
            value = Decimal(m.group(1).replace(",", ""))
        except InvalidOperation:
            continue
        unit = (m.group(2) or "").lower()
        out.append(value * _UNITS.get(unit, Decimal(1)))
    return out


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9%.]+", " ", text.lower()) + " "


def parse_name(text: str, today: date) -> Parsed:
    name = " ".join(text.split())
    if not name:
        raise AnswerError("The name cannot be empty.")
    if len(name) > 100:
        raise AnswerError("Please keep the name under 100 characters.")
    return Parsed({"name": name})


_OBJECTIVE_WORDS: tuple[tuple[Objective, tuple[str, ...]], ...] = (
    (Objective.BALANCED, (" balance", " balanced ", " moderate", " both ", " middle")),
    (
        Objective.RISK_MINIMIZED,
        (
            " low risk",
            " safe",
            " protect",
            " preserv",
            " minimi",
            " conservative",
            " capital protection",
            " keeping risk low",
        ),
    ),
    (Objective.MAX_PROFIT, (" max", " profit", " growth", " aggressive", " grow fast", " returns")),
)


def parse_objective(text: str, today: date) -> Parsed:
    w = _words(text)
    for objective, keys in _OBJECTIVE_WORDS:
        if any(k in w for k in keys):
            tactical = " event" in w or " tactical" in w
            fields: dict[str, Any] = {"objective": objective.value, "goal": text.strip()[:300]}
            if tactical:
                fields["tactical"] = True
            return Parsed(fields)
    raise AnswerError("I could not tell whether you want maximum profit, low risk or a balance.")


def _months(w: str) -> tuple[int | None, list[str]]:
    m = re.search(r"(\d+)\s*(month|months|mo|m|year|years|yr|yrs|y)\b", w)
    if not m:
        return None, ["SIP duration not given: assumed open-ended"]
    n = int(m.group(1))
    return (n * 12 if m.group(2).startswith("y") else n), []


def _tranches(w: str) -> tuple[list[dict[str, Any]], list[str]]:
    m = re.search(r"(\d+)\s*(tranche|tranches|parts|instalments|installments)", w)
    if not m:
        if " tranche" in w:
            raise AnswerError("How many tranches? Give a number.")
        return [{"percent": 100.0, "trigger": "immediate"}], [
            "tranches not given: assumed the whole lump sum is available at once"
        ]
    n = int(m.group(1))
    if not 1 <= n <= 12:
        raise AnswerError("Use between 1 and 12 tranches.")
    share = round(100.0 / n, 2)
    plan = [
        {"percent": share, "trigger": "immediate" if i == 0 else f"days:{30 * i}"} for i in range(n)
    ]
    plan[-1]["percent"] = round(100.0 - share * (n - 1), 2)
    return plan, [f"{n} tranches: assumed equal parts released every 30 days, first one now"]


def _sip_fields(w: str, amount: Decimal, today: date) -> Parsed:
    assumptions = []
    if " weekly" in w or " week" in w:
        freq = SipFrequency.WEEKLY
    else:
        freq = SipFrequency.MONTHLY
        if " month" not in w:
            assumptions.append("SIP frequency not given: assumed monthly")
    months, notes = _months(w)
    assumptions += notes
    assumptions.append(f"SIP start date assumed to be today ({today.isoformat()})")
    return Parsed(
        {
            "sip_amount": str(amount),
            "sip_frequency": freq.value,
            "sip_start_date": today.isoformat(),
            "sip_duration_months": months,
        },
        assumptions,
    )


_SIP_WORDS = (" sip ", " monthly", " weekly", " every month", " per month", " a month")
_LUMP_WORDS = (" lump", " one time", " once", " tranche", " upfront")


def parse_funding(text: str, today: date) -> Parsed:
    w = _words(text)
    found = amounts_inr(
        re.sub(r"\d+\s*(tranches?|months?|years?|yrs?|parts)\b", "", text, flags=re.I)
    )
    sip = any(k in w for k in _SIP_WORDS)
    lump = any(k in w for k in _LUMP_WORDS)
    if not found:
        raise AnswerError("I need an amount in rupees.")
    if any(a <= 0 for a in found):
        raise AnswerError("Amounts must be more than zero.")
    if any(a > MAX_AMOUNT_INR for a in found):
        raise AnswerError("That amount looks too large for this desk (over ₹1,000 crore).")
    if not sip and not lump:
        lump = True
        pre = ["funding kind not named: assumed a lump sum"]
    else:
        pre = []
    if sip and lump:
        if len(found) < 2:
            raise AnswerError("For SIP plus lump sum, give both amounts.")
        sip_part = _sip_fields(w, found[0], today)
        plan, notes = _tranches(w)
        fields = {
            **sip_part.fields,
            "funding_type": FundingType.HYBRID.value,
            "lump_sum_amount": str(found[1]),
            "lump_sum_date": today.isoformat(),
            "tranche_plan": plan,
        }
        return Parsed(fields, sip_part.assumptions + notes)
    if sip:
        p = _sip_fields(w, found[0], today)
        return Parsed({**p.fields, "funding_type": FundingType.SIP.value}, p.assumptions)
    plan, notes = _tranches(w)
    return Parsed(
        {
            "funding_type": FundingType.LUMP_SUM.value,
            "lump_sum_amount": str(found[0]),
            "lump_sum_date": today.isoformat(),
            "tranche_plan": plan,
        },
        pre + notes + [f"lump sum date assumed to be today ({today.isoformat()})"],
    )


_HORIZON_WORDS = {
    " intraday": (1, 1),
    " swing": (2, 10),
    " positional": (10, 60),
    " short": (1, 5),
    " long": (20, 120),
}


def parse_horizon(text: str, today: date) -> Parsed:
    w = _words(text)
    scale, unit_note = 1, []
    if " week" in w:
        scale, unit_note = 5, ["weeks counted as 5 trading days"]
    elif " month" in w:
        scale, unit_note = 21, ["months counted as 21 trading days"]
    nums = [int(n) for n in re.findall(r"\d+", w)]
    if len(nums) >= 2:
        lo, hi = sorted(nums[:2])
        return Parsed({"horizon_min_days": lo * scale, "horizon_max_days": hi * scale}, unit_note)
    if len(nums) == 1:
        hi = nums[0] * scale
        return Parsed(
            {"horizon_min_days": 1, "horizon_max_days": hi},
            [*unit_note, "minimum holding assumed to be 1 day"],
        )
    for word, (lo, hi) in _HORIZON_WORDS.items():
        if word in w:
            return Parsed(
                {"horizon_min_days": lo, "horizon_max_days": hi},
                [f"'{word.strip()}' read as {lo} to {hi} trading days"],
            )
    if " week" in w or " month" in w:
        hi = scale
        return Parsed({"horizon_min_days": 1, "horizon_max_days": hi}, unit_note)
    raise AnswerError("Give a number of days, weeks or months.")


_RISK_LEVELS = {"low": (0.5, 6.0, 1.0), "medium": (1.0, 10.0, 2.0), "high": (1.5, 15.0, 3.0)}
_RISK_ALIASES = {
    " low": "low",
    " conservative": "low",
    " cautious": "low",
    " medium": "medium",
    " moderate": "medium",
    " mid": "medium",
    " high": "high",
    " aggressive": "high",
}


def parse_risk(text: str, today: date) -> Parsed:
    w = _words(text)
    level = next((lvl for word, lvl in _RISK_ALIASES.items() if word in w), None)
    per_trade = re.search(r"(\d+(?:\.\d+)?)\s*%?\s*(?:per|a|each)\s*trade", w)
    drawdown = re.search(
        r"(?:drawdown|dd)\D{0,12}(\d+(?:\.\d+)?)|"
        r"(\d+(?:\.\d+)?)\s*%?\s*(?:max\s*)?(?:drawdown|dd)",
        w,
    )
    if level is None and per_trade is None:
        raise AnswerError("Say low, medium or high, or give a % risk per trade.")
    base = _RISK_LEVELS[level or "medium"]
    assumptions = []
    rpt = float(per_trade.group(1)) if per_trade else base[0]
    if per_trade is None:
        assumptions.append(f"'{level}' risk read as {rpt}% of capital at risk per trade")
    if drawdown:
        dd = float(drawdown.group(1) or drawdown.group(2))
    else:
        dd = base[1] if level else round(rpt * 8, 1)
        assumptions.append(f"max drawdown not given: assumed {dd}%")
    daily = base[2] if level else round(min(rpt * 2, 20.0), 1)
    assumptions.append(f"daily loss limit assumed {daily}%")
    return Parsed(
        {
            "risk_per_trade_percent": rpt,
            "max_drawdown_percent": dd,
            "max_daily_loss_percent": daily,
        },
        assumptions,
    )


_NONE_WORDS = {"none", "no", "nothing", "nil", "na", "n/a", "-", "no sectors", "nope"}


def parse_sectors(text: str, today: date) -> Parsed:
    if text.strip().lower().rstrip(".") in _NONE_WORDS:
        return Parsed({"banned_sectors": []})
    parts = [p.strip() for p in re.split(r",|/|;|\band\b|&(?!\s*mining)", text) if p.strip()]
    sectors = []
    for part in parts:
        try:
            sectors.append(normalise_sector(part))
        except ValueError as exc:
            raise AnswerError(f"I do not know the sector {part!r}.") from exc
    return Parsed({"banned_sectors": list(dict.fromkeys(sectors))})


_STRATEGY_WORDS = {
    Strategy.MOMENTUM: (" momentum", " trend", " breakout"),
    Strategy.MEAN_REVERSION: (" mean reversion", " mean revert", " reversal", " mean-reversion"),
    Strategy.EVENT_DRIVEN: (" event", " news"),
    Strategy.ML: (" ml ", " machine", " model", " quant"),
}


def parse_strategies(text: str, today: date) -> Parsed:
    w = _words(text)
    if w.strip() in {"all", "any", "everything", "all of them"}:
        return Parsed({"allowed_strategies": [s.value for s in Strategy]})
    chosen = [s.value for s, keys in _STRATEGY_WORDS.items() if any(k in w for k in keys)]
    if not chosen:
        raise AnswerError("Name at least one of momentum, mean reversion, event driven, ml.")
    return Parsed({"allowed_strategies": chosen})


def parse_approval(text: str, today: date) -> Parsed:
    w = _words(text)
    if " entr" in w or " only new" in w or " exits auto" in w:
        return Parsed({"approval_mode": "entries_only"})
    if " every" in w or " each" in w or " all" in w or " always" in w:
        return Parsed({"approval_mode": "every_trade"})
    raise AnswerError("Say 'every trade' or 'entries only'.")


PARSERS: dict[str, Callable[[str, date], Parsed]] = {
    "name": parse_name,
    "objective": parse_objective,
    "funding": parse_funding,
    "horizon": parse_horizon,
    "risk": parse_risk,
    "sectors": parse_sectors,
    "strategies": parse_strategies,
    "approval": parse_approval,
}


def parse_answer(key: str, text: str, today: date) -> Parsed:
    """Parse the answer to question `key`; raise AnswerError with what was missing."""
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerError(f"That answer is too long (keep it under {MAX_ANSWER_CHARS} characters).")
    return PARSERS[key](text, today)
