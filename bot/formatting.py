"""Own how the desk looks on a phone: short lines, HTML parse mode, everything escaped."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any

from core.clock import to_ist

MAX_CHARS = 3900  # Telegram's limit is 4096; leave room for the footer


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=False)


def clip(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def px(value: Any) -> str:
    """A price or amount in rupees to 2 decimals (the store keeps 4 for prices)."""
    try:
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    except (InvalidOperation, ValueError):
        return e(value)


def ist(ts: Any) -> str:
    if not ts:
        return "-"
    dt = datetime.fromisoformat(ts) if isinstance(ts, str) else ts
    return to_ist(dt).strftime("%d %b %H:%M IST")


HELP = "\n".join(
    [
        "<b>desk</b> — your trading desk",
        "/accounts — your accounts",
        "/cards [account] — pending cards",
        "/card N — one card",
        "/positions — open positions",
        "/risk — risk and kill switches",
        "/pause N · /resume N — stop or restart new entries",
        "/kill N — emergency stop",
        "/report — latest report",
        "/transfers — pending money moves",
        "/newaccount — set up an account (8 questions)",
        "/cancel — stop what is in progress",
    ]
)


def accounts(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No accounts yet. /newaccount sets one up."
    lines = ["<b>Accounts</b>"]
    lines += [
        f"#{r['id']} {e(r['name'])} · {e(r['account_type'])} · {e(r['status'])}" for r in rows
    ]
    return "\n".join(lines)


def card_message(c: dict[str, Any], title: str = "New card") -> str:
    rr = f" ({c['risk_reward_ratio']:.1f}R)" if c.get("risk_reward_ratio") else ""
    lines = [
        f"🆕 <b>{e(title)} #{c['id']}</b> · account {c['account_id']}",
        f"<b>{e(c['direction'])} {c['quantity']} {e(c['symbol'])}</b> @ ₹{px(c['entry_price'])} "
        f"{e(c.get('entry_order_type') or '')}",
        f"SL ₹{px(c['stop_loss'])} · TP ₹{px(c['take_profit'])}",
        f"Risk ₹{px(c.get('risk_amount'))} · Reward ₹{px(c.get('reward_amount'))}{rr}",
        f"{e(c.get('strategy'))} · {c.get('horizon_days') or '?'}d · "
        f"conf {c.get('confidence') or 0:.2f}",
        f"Expires {ist(c.get('expires_at'))}",
    ]
    if c.get("thesis"):
        lines.append(f"<i>{e(c['thesis'][:300])}</i>")
    warnings = c.get("risk_warnings") or []
    if warnings:
        lines.append("⚠️ " + e("; ".join(str(w.get("detail", w)) for w in warnings)[:300]))
    return clip("\n".join(lines))


def card_details(c: dict[str, Any]) -> str:
    links = c.get("evidence_links") or []
    lines = [card_message(c, "Card"), f"Status: <b>{e(c.get('status'))}</b>"]
    if c.get("risks"):
        lines.append("Risks: " + e(c["risks"][:400]))
    if c.get("judge_rationale"):
        lines.append("Judge: " + e(c["judge_rationale"][:400]))
    lines += [
        f'• <a href="{escape(str(link.get("url", "")), quote=True)}">'
        f"{e(link.get('title') or link.get('kind') or 'source')}</a>"
        for link in links[:5]
    ]
    lines.append(f"Model {e(c.get('model_version'))} · hash {e((c.get('card_hash') or '')[:12])}")
    return clip("\n".join(lines))


def cards_list(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No pending cards."
    lines = ["<b>Pending cards</b>"]
    lines += [
        f"#{c['id']} · acct {c['account_id']} · {e(c['direction'])} {c['quantity']} "
        f"{e(c['symbol'])} @ ₹{px(c['entry_price'])} · exp {ist(c.get('expires_at'))}"
        for c in rows[:30]
    ]
    lines.append("Open one with /card N")
    return clip("\n".join(lines))


def positions(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No open positions."
    lines = ["<b>Open positions</b>"]
    lines += [
        f"acct {p['account_id']} · {e(p['direction'])} {p['quantity']} {e(p['symbol'])} "
        f"@ ₹{px(p['average_entry_price'])} · P&amp;L ₹{px(p.get('unrealized_pnl') or 0)}"
        for p in rows[:40]
    ]
    return clip("\n".join(lines))


def risk(rows: list[dict[str, Any]]) -> str:
    lines = ["<b>Risk</b>"]
    for r in rows:
        snap = r.get("snapshot") or {}
        open_risk = snap.get("total_open_risk")
        lines.append(
            f"#{r['account_id']} {e(r['name'])} · {e(r['status'])} · open risk "
            f"{'-' if open_risk is None else f'₹{open_risk:,.0f}'}"
        )
        lines += [f"  🛑 {e(k)}" for k in r.get("kills") or []]
    return clip("\n".join(lines)) if rows else "No accounts."


def report(rep: dict[str, Any] | None) -> str:
    if rep is None:
        return "No report yet."
    head = f"<b>{e(rep['kind'])} report {e(rep['report_date'])}</b>"
    label = " (SIMULATED)" if rep.get("simulated") else ""
    return clip(f"{head}{label}\n<pre>{e(rep['markdown'][:3000])}</pre>")


def transfer(p: dict[str, Any]) -> str:
    return (
        f"💸 <b>Proposal #{p['id']}</b> {e(p['kind'])}\n₹{e(p['amount'])}: account "
        f"{e(p.get('from_account_id') or '-')} → {e(p.get('to_account_id') or '-')}\n"
        f"{e((p.get('reason') or '')[:300])}\nExpires {ist(p.get('expires_at'))}"
    )


def intake(step: dict[str, Any]) -> str:
    kind = step.get("kind")
    if kind == "intake_question":
        lines = []
        if step.get("resumed"):
            lines.append("Picking up where we left off.")
        if step.get("error"):
            lines.append(f"⚠️ {e(step['error'])}")
        lines.append(f"<b>{step['step']}/{step['total']}</b> {e(step['question'])}")
        lines.append(f"<i>e.g. {e(step['example'])}</i>")
        lines.append("(back · cancel)")
        return "\n".join(lines)
    if kind == "intake_review":
        notes = "\n".join(f"• {e(a)}" for a in step.get("assumptions", []))
        err = f"⚠️ {e(step['error'])}\n" if step.get("error") else ""
        return clip(
            f"{err}<b>Summary</b>\n{e(step.get('summary'))}\n\n<b>Assumed</b>\n{notes}\n\n"
            f"{e(step.get('question'))}"
        )
    if kind == "intake_saved":
        return f"✅ Saved account #{step['account_id']} {e(step.get('name'))}."
    return "Intake cancelled; nothing was saved."
