"""Own the playbooks table: read as frozen views, insert, update (version + 1), (de)activate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import ensure_utc
from core.errors import Conflict, NotFound
from store.models import PlaybookRow

EDITABLE = (
    "event_type",
    "regime_match",
    "priority_boost",
    "tranche_plan",
    "acceptable_gap_chase_percent",
    "sl_multiplier_override",
    "tp_multiplier_override",
    "pause_smallcap",
    "pause_duration_hours",
    "rotate_exposure_sectors",
    "stance",
)


@dataclass(frozen=True, slots=True)
class PlaybookView:
    """One playbook row, as the allocator and the UIs see it."""

    id: int
    name: str
    event_type: str
    regime_match: dict[str, list[str]]
    priority_boost: float | None
    tranche_plan: tuple[dict[str, Any], ...]
    acceptable_gap_chase_percent: float | None
    sl_multiplier_override: float | None
    tp_multiplier_override: float | None
    pause_smallcap: bool
    pause_duration_hours: int | None
    rotate_exposure_sectors: tuple[str, ...]
    stance: str | None
    version: int
    is_active: bool
    created_at: datetime | None
    updated_at: datetime | None

    def values(self) -> dict[str, Any]:
        """The editable fields as plain JSON-ready values."""
        out = {k: getattr(self, k) for k in EDITABLE}
        out["tranche_plan"] = [dict(t) for t in self.tranche_plan]
        out["rotate_exposure_sectors"] = list(self.rotate_exposure_sectors)
        return out


def list_playbooks(session: Session, *, active_only: bool = False) -> list[PlaybookView]:
    stmt = select(PlaybookRow)
    if active_only:
        stmt = stmt.where(PlaybookRow.is_active.is_(True))
    return [_view(r) for r in session.scalars(stmt.order_by(PlaybookRow.name))]


def find_playbook(session: Session, name: str) -> PlaybookView | None:
    row = _row(session, name)
    return _view(row) if row else None


def get_playbook(session: Session, name_or_id: str | int) -> PlaybookView:
    """By name, or by id when given an int (or a string of digits)."""
    if isinstance(name_or_id, int) or str(name_or_id).isdigit():
        row = session.get(PlaybookRow, int(name_or_id))
    else:
        row = _row(session, str(name_or_id))
    if row is None:
        raise NotFound(f"playbook {name_or_id!r} not found")
    return _view(row)


def insert_playbook(
    session: Session, name: str, values: Mapping[str, Any], now: datetime
) -> PlaybookView:
    if _row(session, name) is not None:
        raise Conflict(f"playbook {name!r} already exists")
    row = PlaybookRow(
        name=name,
        version=1,
        is_active=True,
        created_at=ensure_utc(now),
        updated_at=ensure_utc(now),
        **_editable(values),
    )
    session.add(row)
    session.flush()
    return _view(row)


def update_playbook(
    session: Session, name: str, values: Mapping[str, Any], now: datetime
) -> PlaybookView:
    """Replace the editable fields and bump the version."""
    row = _require(session, name)
    for key, value in _editable(values).items():
        setattr(row, key, value)
    row.version = (row.version or 1) + 1
    row.updated_at = ensure_utc(now)
    session.flush()
    return _view(row)


def set_active(session: Session, name: str, active: bool, now: datetime) -> PlaybookView:
    row = _require(session, name)
    if row.is_active != active:
        row.is_active = active
        row.version = (row.version or 1) + 1
        row.updated_at = ensure_utc(now)
        session.flush()
    return _view(row)


def _editable(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not playbook fields: {sorted(unknown)}")
    return dict(values)


def _row(session: Session, name: str) -> PlaybookRow | None:
    return session.scalars(select(PlaybookRow).where(PlaybookRow.name == name)).first()


def _require(session: Session, name: str) -> PlaybookRow:
    row = _row(session, name)
    if row is None:
        raise NotFound(f"playbook {name!r} not found")
    return row


def _view(row: PlaybookRow) -> PlaybookView:
    regime = row.regime_match or {}
    return PlaybookView(
        id=row.id,
        name=row.name,
        event_type=row.event_type,
        regime_match={str(k): list(v) for k, v in regime.items()},
        priority_boost=row.priority_boost,
        tranche_plan=tuple(dict(t) for t in (row.tranche_plan or [])),
        acceptable_gap_chase_percent=row.acceptable_gap_chase_percent,
        sl_multiplier_override=row.sl_multiplier_override,
        tp_multiplier_override=row.tp_multiplier_override,
        pause_smallcap=bool(row.pause_smallcap),
        pause_duration_hours=row.pause_duration_hours,
        rotate_exposure_sectors=tuple(row.rotate_exposure_sectors or ()),
        stance=row.stance,
        version=row.version or 1,
        is_active=bool(row.is_active),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
