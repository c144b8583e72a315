"""Own the FastAPI application: routers, static files, and the mapping of desk errors to HTTP."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from app.bootstrap import Container
from app.web import api_accounts, api_execution, api_playbooks, api_treasury
from app.web.deps import SessionDep, UserDep
from app.web.pages import accounts, audit, auth, cards, home, plots, positions, reports, risk
from core.errors import AccessDenied, Conflict, DeskError, NotFound, RiskRefused, ValidationError
from store.audit import verify_chain

STATIC_DIR = Path(__file__).parent / "static"
_STATUS = {NotFound: 404, AccessDenied: 403, Conflict: 409, RiskRefused: 409,
           ValidationError: 422}


def _status_for(exc: DeskError) -> int:
    for cls, code in _STATUS.items():
        if isinstance(exc, cls):
            return code
    return 400


def _system_router() -> APIRouter:
    router = APIRouter(tags=["system"])

    @router.get("/health")
    def health(request: Request) -> dict[str, object]:
        container: Container = request.app.state.container
        return {"status": "ok", "simulated": container.simulated, **container.describe()}

    @router.get("/audit/verify")
    def audit_verify(session: SessionDep, user: UserDep) -> dict[str, object]:
        result = verify_chain(session)
        return {"ok": result.ok, "rows_checked": result.rows_checked,
                "head_hash": result.head_hash, "first_bad_id": result.first_bad_id,
                "problem": result.problem}

    return router


def create_app(container: Container) -> FastAPI:
    """Build the web app around an already-configured container."""
    app = FastAPI(title="desk", version="0.1.0", docs_url="/api/docs",
                  openapi_url="/api/openapi.json")
    app.state.container = container

    @app.exception_handler(DeskError)
    async def desk_error(_: Request, exc: DeskError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=_status_for(exc))

    api = APIRouter(prefix="/api")
    api.include_router(_system_router())
    for module in (api_accounts, api_execution, api_treasury, api_playbooks):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(auth.router)
    app.include_router(home.router)
    app.include_router(cards.router)
    app.include_router(positions.router)
    app.include_router(accounts.router)
    app.include_router(audit.router)
    app.include_router(risk.router)
    app.include_router(reports.router)
    app.include_router(plots.router)
    STATIC_DIR.mkdir(exist_ok=True)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
