"""Own kill switches: configuration, triggering, manual kill, reset, auto-reset, what they block."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from core.clock import Clock, to_ist
from core.enums import AuditCategory, SwitchType, ThresholdType
from core.errors import NotFound, ValidationError
from store.audit import AuditLog
from store.models import Account, KillSwitchRow
from store.repos import risk as repo

PAUSE, CANCEL, FLATTEN = "pause_entries", "cancel_pending", "flatten"
DEFAULT_ACTIONS: dict[str, dict[str, Any]] = {
    SwitchType.MAX_DAILY_LOSS: {PAUSE: True, CANCEL: True, FLATTEN: False},
    SwitchType.MAX_DRAWDOWN: {PAUSE: True, CANCEL: True, FLATTEN: False},
    SwitchType.VOL_SPIKE: {PAUSE: True, CANCEL: False, FLATTEN: False},
    SwitchType.MAX_OPEN_RISK: {PAUSE: True, CANCEL: False, FLATTEN: False},
    SwitchType.MANUAL: {PAUSE: True, CANCEL: True, FLATTEN: False},
}


def configure(
    session: Session, audit: AuditLog, clock: Clock, *, switch_type: SwitchType | str,
    threshold: float, threshold_type: ThresholdType | str = ThresholdType.PERCENTAGE,
    account_id: int | None = None, actions: dict[str, Any] | None = None,
    auto_reset_minutes: int | None = None, next_session_reset: bool = True,
) -> KillSwitchRow:
    """Create an armed switch for an account (or the portfolio when account_id is None).

    Without auto_reset_minutes a switch resets at the next session when next_session_reset.
    """
    kind = SwitchType(switch_type)
    if kind == SwitchType.MANUAL:
        raise ValidationError("manual switches are created by manual_kill", field="switch_type")
    if threshold <= 0:
        raise ValidationError("threshold must be positive", field="threshold")
    acts = {**DEFAULT_ACTIONS[kind], **(actions or {}),
            "reset": "minutes" if auto_reset_minutes else
            ("next_session" if next_session_reset else "manual")}
    now = clock.now()
    row = repo.add_switch(session, account_id=account_id, switch_type=str(kind),
                          threshold_value=float(threshold),
                          threshold_type=str(ThresholdType(threshold_type)), is_active=True,
                          is_triggered=False, action_on_trigger=acts,
                          auto_reset_minutes=auto_reset_minutes, created_at=now, updated_at=now)
    audit.append(session, "risk.switch_configured", _payload(row), category=AuditCategory.RISK,
                 account_id=account_id)
    return row


def trigger(session: Session, audit: AuditLog, row: KillSwitchRow, value: float, reason: str,
            now: datetime, user: str | None = None) -> None:
    """Mark a switch triggered and audit it (idempotent for an already triggered switch)."""
    if row.is_triggered:
        return
    row.is_triggered, row.triggered_at = True, now
    row.triggered_value, row.trigger_reason, row.updated_at = value, reason, now
    audit.append(session, "risk.switch_triggered", _payload(row), category=AuditCategory.RISK,
                 account_id=row.account_id, user_id=user)


def manual_kill(session: Session, audit: AuditLog, account_id: int | None, reason: str,
                user: str, *, clock: Clock | None = None, flatten: bool = False) -> KillSwitchRow:
    """Stop new entries (and cancel pending ones) now, for an account or the whole portfolio."""
    if not reason.strip():
        raise ValidationError("a kill needs a reason", field="reason")
    if account_id is not None and session.get(Account, account_id) is None:
        raise NotFound(f"account {account_id} does not exist")
    now = clock.now() if clock else audit._clock.now()
    acts = {**DEFAULT_ACTIONS[SwitchType.MANUAL], FLATTEN: flatten, "reset": "manual"}
    row = repo.add_switch(session, account_id=account_id, switch_type=str(SwitchType.MANUAL),
                          threshold_value=None, threshold_type=None, is_active=True,
                          is_triggered=False, action_on_trigger=acts, created_at=now,
                          updated_at=now)
    trigger(session, audit, row, 0.0, reason, now, user=user)
    return row


def reset(session: Session, audit: AuditLog, switch_id: int, user: str,
          now: datetime | None = None) -> KillSwitchRow:
    """Re-arm a triggered switch (a manual kill is retired instead); audited with the user."""
    row = session.get(KillSwitchRow, switch_id)
    if row is None:
        raise NotFound(f"kill switch {switch_id}")
    ts = now or audit._clock.now()
    row.is_triggered, row.updated_at = False, ts
    if row.switch_type == SwitchType.MANUAL:
        row.is_active = False
    audit.append(session, "risk.switch_reset", {**_payload(row), "by": user},
                 category=AuditCategory.RISK, account_id=row.account_id, user_id=user)
    return row


def auto_reset_due(row: KillSwitchRow, now: datetime) -> bool:
    """True when a triggered switch's cool-off (N minutes, or the next session) is over."""
    if not row.is_triggered or row.triggered_at is None:
        return False
    how = (row.action_on_trigger or {}).get("reset", "next_session")
    if how == "minutes" and row.auto_reset_minutes:
        return now - row.triggered_at >= timedelta(minutes=row.auto_reset_minutes)
    if how == "next_session":
        return to_ist(now).date() > to_ist(row.triggered_at).date()
    return False


def blocking(session: Session, account_id: int, action: str = PAUSE) -> list[KillSwitchRow]:
    """Triggered switches binding the account whose actions include `action`."""
    return [r for r in repo.triggered_for(session, account_id)
            if (r.action_on_trigger or DEFAULT_ACTIONS.get(r.switch_type or "", {})).get(action)]


def entries_paused(session: Session, account_id: int) -> bool:
    """True when a triggered kill switch forbids new entries for this account."""
    return bool(blocking(session, account_id, PAUSE))


def _payload(row: KillSwitchRow) -> dict[str, Any]:
    return {"switch_id": row.id, "switch_type": row.switch_type, "account_id": row.account_id,
            "threshold_value": row.threshold_value, "threshold_type": row.threshold_type,
            "triggered_value": row.triggered_value, "reason": row.trigger_reason,
            "actions": row.action_on_trigger}
