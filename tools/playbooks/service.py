"""Own playbook editing: validation of every field, versioned create/update, enable/disable, and
an audit entry (before and after) for every change. The history of a playbook is its audit trail.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import Clock
from core.enums import AuditCategory, EventType, LiquidityRegime, Stance, VolRegime
from core.errors import ValidationError
from store.audit import AuditLog
from store.models import AuditLogRow
from store.repos import playbooks as repo
from store.repos.playbooks import EDITABLE, PlaybookView

ANY_EVENT = "*"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\- ]{0,99}$")
_VOL_ALIASES = {"LOW": "LOW_VOL", "MED": "MED_VOL", "MEDIUM": "MED_VOL", "HIGH": "HIGH_VOL"}
LIMITS = {
    "priority_boost": (-1.0, 1.0),
    "acceptable_gap_chase_percent": (0.0, 20.0),
    "sl_multiplier_override": (0.25, 10.0),
    "tp_multiplier_override": (0.25, 20.0),
}
MAX_PAUSE_HOURS = 24 * 14


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    action: str
    version: int | None
    user_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def validate(values: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise playbook fields; raise ValidationError naming the first bad field."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(
            f"unknown playbook fields {sorted(unknown)}", field=sorted(unknown)[0]
        )
    out = {k: values.get(k) for k in EDITABLE}
    out["event_type"] = _event_type(values.get("event_type"))
    out["regime_match"] = _regime(values.get("regime_match") or {})
    for key, (lo, hi) in LIMITS.items():
        out[key] = _bounded(values.get(key), key, lo, hi)
    out["tranche_plan"] = _tranches(values.get("tranche_plan") or [])
    pause = bool(values.get("pause_smallcap") or False)
    out["pause_smallcap"] = pause
    out["pause_duration_hours"] = _pause_hours(values.get("pause_duration_hours"), pause)
    out["rotate_exposure_sectors"] = _sectors(values.get("rotate_exposure_sectors") or [])
    stance = values.get("stance")
    if stance is not None and stance not in {s.value for s in Stance}:
        raise ValidationError(
            f"{stance!r} is not one of {[s.value for s in Stance]}", field="stance"
        )
    return out


def _event_type(value: Any) -> str:
    allowed = {e.value for e in EventType} | {ANY_EVENT}
    if value not in allowed:
        raise ValidationError(
            f"{value!r} is not an event type ({sorted(allowed)})", field="event_type"
        )
    return str(value)


def _regime(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, Mapping):
        raise ValidationError(
            'must be an object like {"volatility": ["LOW_VOL"]}', field="regime_match"
        )
    extra = set(value) - {"volatility", "liquidity"}
    if extra:
        raise ValidationError(f"unknown keys {sorted(extra)}", field="regime_match")
    out: dict[str, list[str]] = {}
    for key, enum in (("volatility", VolRegime), ("liquidity", LiquidityRegime)):
        items = value.get(key)
        if items is None:
            continue
        if isinstance(items, str) or not isinstance(items, list | tuple) or not items:
            raise ValidationError(f"{key} must be a non-empty list", field=f"regime_match.{key}")
        norm = [
            _VOL_ALIASES.get(str(i).upper(), str(i).upper())
            if key == "volatility"
            else str(i).upper()
            for i in items
        ]
        bad = [i for i in norm if i not in {e.value for e in enum}]
        if bad:
            raise ValidationError(f"unknown {key} regimes {bad}", field=f"regime_match.{key}")
        out[key] = sorted(set(norm))
    return out


def _bounded(value: Any, field: str, lo: float, hi: float) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{value!r} is not a number", field=field) from None
    if not math.isfinite(v) or not lo <= v <= hi:
        raise ValidationError(f"{v} is outside {lo}..{hi}", field=field)
    return v


def _tranches(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise ValidationError("must be a list of {percent, delay_minutes}", field="tranche_plan")
    out = []
    for i, t in enumerate(value):
        if not isinstance(t, Mapping) or "percent" not in t:
            raise ValidationError("each tranche needs a percent", field=f"tranche_plan[{i}]")
        pct = _bounded(t["percent"], f"tranche_plan[{i}].percent", 0.01, 100.0)
        delay = _bounded(
            t.get("delay_minutes", 0), f"tranche_plan[{i}].delay_minutes", 0.0, 60 * 24 * 5
        )
        entry: dict[str, Any] = {"percent": pct, "delay_minutes": int(delay or 0)}
        if t.get("trigger"):
            entry["trigger"] = str(t["trigger"])[:100]
        out.append(entry)
    if out and abs(sum(t["percent"] for t in out) - 100.0) > 0.01:
        raise ValidationError("tranche percents must add up to 100", field="tranche_plan")
    return out


def _pause_hours(value: Any, pause: bool) -> int | None:
    if value is None:
        if pause:
            raise ValidationError("needed when pause_smallcap is on", field="pause_duration_hours")
        return None
    hours = _bounded(value, "pause_duration_hours", 1, MAX_PAUSE_HOURS)
    if hours is None or hours != int(hours):
        raise ValidationError("must be a whole number of hours", field="pause_duration_hours")
    return int(hours)


def _sectors(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > 20:
        raise ValidationError(
            "must be a list of at most 20 sector names", field="rotate_exposure_sectors"
        )
    out = [str(s).strip() for s in value]
    if any(not s or len(s) > 100 for s in out):
        raise ValidationError(
            "sector names must be 1..100 characters", field="rotate_exposure_sectors"
        )
    return out


class PlaybookService:
    """Create, update, enable/disable playbooks; every change is versioned and audited."""

    def __init__(self, clock: Clock, audit: AuditLog | None = None) -> None:
        self._clock = clock
        self._audit = audit or AuditLog(clock, service_name="playbooks")

    def put(
        self, session: Session, name: str, values: Mapping[str, Any], user_id: str | None = None
    ) -> PlaybookView:
        """Create the playbook, or replace its fields (version + 1); unchanged input is a no-op."""
        if not NAME_RE.match(name or ""):
            raise ValidationError("1..100 letters, digits, space, _ . -", field="name")
        clean = validate(values)
        now = self._clock.now()
        before = repo.find_playbook(session, name)
        if before is None:
            after = repo.insert_playbook(session, name, clean, now)
            self._log(session, "playbook.created", None, after, user_id)
        elif before.values() == clean:
            return before
        else:
            after = repo.update_playbook(session, name, clean, now)
            self._log(session, "playbook.updated", before, after, user_id)
        return after

    def set_active(
        self, session: Session, name: str, active: bool, user_id: str | None = None
    ) -> PlaybookView:
        before = repo.get_playbook(session, name)
        if before.is_active == active:
            return before
        after = repo.set_active(session, name, active, self._clock.now())
        self._log(
            session, "playbook.enabled" if active else "playbook.disabled", before, after, user_id
        )
        return after

    def _log(
        self,
        session: Session,
        action: str,
        before: PlaybookView | None,
        after: PlaybookView,
        user_id: str | None,
    ) -> None:
        self._audit.append(
            session,
            action,
            {
                "name": after.name,
                "version": after.version,
                "is_active": after.is_active,
                "before": _snapshot(before),
                "after": _snapshot(after),
            },
            category=AuditCategory.PLAYBOOK,
            user_id=user_id,
            meta_data={"playbook_id": after.id},
        )


def _snapshot(view: PlaybookView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    return {**view.values(), "version": view.version, "is_active": view.is_active}


def history(session: Session, name: str) -> list[HistoryEntry]:
    """Every audited change of the playbook, oldest first."""
    pb = repo.get_playbook(session, name)
    rows = session.scalars(
        select(AuditLogRow)
        .where(AuditLogRow.action_category == AuditCategory.PLAYBOOK.value)
        .order_by(AuditLogRow.seq)
    )
    return [
        HistoryEntry(
            at=r.timestamp,
            action=r.action_type,
            version=r.payload.get("version"),
            user_id=r.user_id,
            before=r.payload.get("before"),
            after=r.payload.get("after"),
        )
        for r in rows
        if (r.meta_data or {}).get("playbook_id") == pb.id
    ]
