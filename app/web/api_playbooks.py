"""Own the playbooks JSON API: list, show, create/replace (validated, versioned, audited),
enable/disable and history. Reads need a signed-in user; edits need an ADMIN or TRADER."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from app.web.deps import ContainerDep, CsrfDep, SessionDep, UserDep, committing
from core.enums import Role
from core.errors import NotFound, ValidationError
from store.repos.playbooks import PlaybookView, get_playbook, list_playbooks
from tools.playbooks.service import PlaybookService, history

router = APIRouter(prefix="/playbooks", tags=["playbooks"])
EDITORS = {Role.ADMIN.value, Role.TRADER.value}


class TrancheIn(BaseModel):
    percent: float
    delay_minutes: int = 0
    trigger: str | None = None


class PlaybookIn(BaseModel):
    """Editable fields; the service validates ranges and names the bad field on error."""

    event_type: str
    regime_match: dict[str, list[str]] = Field(default_factory=dict)
    stance: str | None = None
    priority_boost: float | None = None
    tranche_plan: list[TrancheIn] = Field(default_factory=list)
    acceptable_gap_chase_percent: float | None = None
    sl_multiplier_override: float | None = None
    tp_multiplier_override: float | None = None
    pause_smallcap: bool = False
    pause_duration_hours: int | None = None
    rotate_exposure_sectors: list[str] = Field(default_factory=list)


class PlaybookOut(BaseModel):
    id: int
    name: str
    version: int
    is_active: bool
    event_type: str
    regime_match: dict[str, list[str]]
    stance: str | None
    priority_boost: float | None
    tranche_plan: list[dict[str, Any]]
    acceptable_gap_chase_percent: float | None
    sl_multiplier_override: float | None
    tp_multiplier_override: float | None
    pause_smallcap: bool
    pause_duration_hours: int | None
    rotate_exposure_sectors: list[str]
    created_at: datetime | None
    updated_at: datetime | None


class HistoryOut(BaseModel):
    at: datetime
    action: str
    version: int | None
    user_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _out(pb: PlaybookView) -> PlaybookOut:
    return PlaybookOut(
        id=pb.id,
        name=pb.name,
        version=pb.version,
        is_active=pb.is_active,
        created_at=pb.created_at,
        updated_at=pb.updated_at,
        **pb.values(),
    )


def _editor(user: Any) -> str:
    if user.role not in EDITORS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin or trader may edit playbooks")
    return str(user.username)


@router.get("", response_model=list[PlaybookOut])
def list_all(session: SessionDep, user: UserDep, active_only: bool = False) -> list[PlaybookOut]:
    return [_out(p) for p in list_playbooks(session, active_only=active_only)]


@router.get("/{name}", response_model=PlaybookOut)
def show(name: str, session: SessionDep, user: UserDep) -> PlaybookOut:
    try:
        return _out(get_playbook(session, name))
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


@router.get("/{name}/history", response_model=list[HistoryOut])
def show_history(name: str, session: SessionDep, user: UserDep) -> list[HistoryOut]:
    try:
        return [HistoryOut(**asdict(h)) for h in history(session, name)]
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


@router.put("/{name}", response_model=PlaybookOut)
def put(
    name: str,
    body: PlaybookIn,
    session: SessionDep,
    user: UserDep,
    container: ContainerDep,
    _csrf: CsrfDep,
) -> PlaybookOut:
    """Create or replace; an unchanged body keeps the version."""
    editor = _editor(user)
    values = body.model_dump()
    values["tranche_plan"] = [
        {k: v for k, v in t.items() if v is not None} for t in values["tranche_plan"]
    ]
    try:
        with committing(session):
            pb = PlaybookService(container.clock).put(session, name, values, user_id=editor)
    except ValidationError as exc:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, {"field": exc.field, "message": str(exc)}
        ) from exc
    return _out(pb)


def _toggle(name: str, active: bool, session: Any, user: Any, container: Any) -> PlaybookOut:
    editor = _editor(user)
    try:
        with committing(session):
            pb = PlaybookService(container.clock).set_active(session, name, active, user_id=editor)
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    return _out(pb)


@router.post("/{name}/disable", response_model=PlaybookOut)
def disable(
    name: str, session: SessionDep, user: UserDep, container: ContainerDep, _csrf: CsrfDep
) -> PlaybookOut:
    return _toggle(name, False, session, user, container)


@router.post("/{name}/enable", response_model=PlaybookOut)
def enable(
    name: str, session: SessionDep, user: UserDep, container: ContainerDep, _csrf: CsrfDep
) -> PlaybookOut:
    return _toggle(name, True, session, user, container)
