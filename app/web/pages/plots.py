"""Own the dashboard's Plotly charts, rendered on the server as HTML divs; plotly.js is served
from the installed plotly package (no CDN)."""

from __future__ import annotations

from functools import lru_cache

import plotly.graph_objects as go
import plotly.io as pio
from fastapi import APIRouter
from fastapi.responses import Response
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from tools.reports.monthly import EquityCurve

router = APIRouter(tags=["pages"], include_in_schema=False)
PLOTLY_JS_PATH = "/assets/plotly.min.js"


@lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    return str(get_plotlyjs()).encode()


@router.get(PLOTLY_JS_PATH)
def plotly_js() -> Response:
    return Response(
        _plotly_js(),
        media_type="application/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def _div(fig: go.Figure, div_id: str) -> str:
    fig.update_layout(
        margin={"l": 50, "r": 20, "t": 40, "b": 40}, height=380, template="plotly_white"
    )
    html: str = pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )
    return html


def equity_div(curve: EquityCurve, title: str) -> str | None:
    """Equity (₹) on top and drawdown (%) underneath, one point per NSE session."""
    if len(curve.days) < 2:
        return None
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.06
    )
    fig.add_trace(
        go.Scatter(x=list(curve.days), y=list(curve.equity_inr), name="equity ₹", mode="lines"),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=list(curve.days),
            y=[d * 100 for d in curve.drawdown],
            name="drawdown %",
            fill="tozeroy",
            mode="lines",
            line={"color": "#cf222e"},
        ),
        row=2,
        col=1,
    )
    fig.update_layout(title=title, showlegend=False)
    fig.update_yaxes(title_text="equity ₹", row=1, col=1)
    fig.update_yaxes(title_text="drawdown %", row=2, col=1)
    return _div(fig, "equity-chart")


def exposure_div(exposure: dict[str, float]) -> str | None:
    """Open exposure (₹ at last price) by sector."""
    if not exposure:
        return None
    labels = sorted(exposure, key=lambda k: -exposure[k])
    fig = go.Figure(go.Bar(x=labels, y=[exposure[k] for k in labels], marker_color="#0969da"))
    fig.update_layout(title="Open exposure by sector (₹)")
    return _div(fig, "exposure-chart")
