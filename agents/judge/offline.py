"""Own the offline judge: the same verdict fields, written deterministically from the inputs."""

from __future__ import annotations

from agents.judge.schema import JudgeOutput
from tools.alloc.judging import JudgeInput

MODEL_VERSION = "judge_v1/offline-1"
_STANDARD_RISKS = {
    "LONG": "A gap down through the stop fills worse than the stop price.",
    "SHORT": "A gap up through the stop fills worse than the stop price.",
}


def _thesis(inp: JudgeInput) -> str:
    s = inp.sized
    c = s.candidate
    parts = [
        f"{c.direction.value} {c.symbol} ({c.strategy}): expected move {c.edge_pct:+.2f}% "
        f"over {c.horizon_days} trading days, P(target) {c.tp_probability:.0%} vs "
        f"P(stop) {c.sl_probability:.0%}, meta-label quality {c.quality_score:.2f}."
    ]
    if inp.events:
        ev = inp.events[0]
        parts.append(f"Catalyst: {ev.get('title') or ev.get('type') or 'event'}.")
    if c.thesis_bullets:
        parts.append(" ".join(b.rstrip(".") + "." for b in c.thesis_bullets[:3]))
    parts.append(
        f"Entry {s.entry_price} ({s.entry_order_type.value}), stop {s.stop_loss}, "
        f"target {s.take_profit}: risk ₹{s.risk_amount} for ₹{s.reward_amount}."
    )
    return " ".join(parts)


def _risks(inp: JudgeInput) -> list[str]:
    c = inp.sized.candidate
    risks = [f"{g.name}: {g.detail}" for g in inp.guardrails if not g.passed]
    if c.regime_label:
        risks.append(f"Regime {c.regime_label} may change before the {c.horizon_days}-day horizon.")
    if inp.similar:
        rets = [e.return_5d_pct for e in inp.similar if e.return_5d_pct is not None]
        if rets and min(rets) < 0:
            risks.append(f"Similar past events saw 5-day moves as low as {min(rets):+.1f}%.")
    risks.append(_STANDARD_RISKS[c.direction.value])
    return risks[:5]


def _confidence(inp: JudgeInput) -> float:
    c = inp.sized.candidate
    soft_fails = sum(1 for g in inp.guardrails if not g.passed and not g.hard)
    hard_fails = sum(1 for g in inp.guardrails if not g.passed and g.hard)
    base = 0.5 * c.quality_score + 0.5 * c.tp_probability
    value = base * (1.0 - 0.1 * soft_fails) * (0.5 if hard_fails else 1.0)
    return round(min(1.0, max(0.0, value)), 3)


def offline_output(inp: JudgeInput) -> JudgeOutput:
    """The offline verdict: every input link, risks from failed checks, a rule-based confidence."""
    s = inp.sized
    notes = " ".join(n for n in s.sizing_notes)
    return JudgeOutput(
        thesis=_thesis(inp),
        evidence_links=[e.url for e in inp.evidence][:10],
        risks=_risks(inp),
        confidence=_confidence(inp),
        rationale=(
            f"Ranked {s.rank_score:.3f} for a {inp.mandate.get('objective')} mandate; "
            f"{notes or 'sized by the allocator'}."
        )[:800],
    )
