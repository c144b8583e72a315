"""Own how pages reach the desk facade (the same service the bot and CLI call): the container's
own facade when it has one, else one per web app, created on first use."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from app.desk_facade import DeskFacade, Principal
from core.errors import ConfigError
from tools.accounts.access import UserView

_ERROR_STATUS = {
    "NotFound": 404,
    "AccessDenied": 403,
    "Conflict": 409,
    "ValidationError": 422,
    "InvalidTransition": 409,
    "RiskRefused": 409,
}


def _executor(container: Any) -> Any:
    async def execute(card_id: int) -> Any:
        manager = getattr(container, "order_manager", None)
        if manager is None:
            raise ConfigError("execution (order manager) is not configured in this process")
        return await manager.execute_card(card_id)

    return execute


def facade_for(request: Request) -> DeskFacade:
    """The process's facade: container.facade if wired by the runtime, else the web app's own."""
    container = request.app.state.container
    shared = getattr(container, "facade", None)
    if isinstance(shared, DeskFacade):
        return shared
    own = getattr(request.app.state, "desk_facade", None)
    if own is None:
        own = DeskFacade(
            container.sessions,
            container.clock,
            container.audit,
            database_url=container.settings.database_url,
            llm=getattr(container, "llm", None),
            executor=_executor(container),
        )
        request.app.state.desk_facade = own
    return own


def principal(facade: DeskFacade, user: UserView) -> Principal:
    return facade.principal_for(user.username)


def status_of(result: dict[str, Any]) -> int:
    """HTTP status for a facade result ({"ok": False, "error": "Conflict", ...} → 409)."""
    if result.get("ok"):
        return 200
    return _ERROR_STATUS.get(str(result.get("error")), 400)
