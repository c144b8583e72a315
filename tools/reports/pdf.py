"""Own the PDF rendering of a report: its Markdown (headings, bullets, tables) plus PNG charts,
laid out with reportlab; a red SIMULATED banner on every page of simulated reports."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

_FONT = "DeskSans"
_FONT_BOLD = "DeskSans-Bold"


def _register_fonts() -> tuple[str, str]:
    """DejaVu Sans (shipped with matplotlib) has the ₹ glyph; Helvetica does not."""
    if _FONT in pdfmetrics.getRegisteredFontNames():
        return _FONT, _FONT_BOLD
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    try:
        pdfmetrics.registerFont(TTFont(_FONT, str(ttf / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(_FONT_BOLD, str(ttf / "DejaVuSans-Bold.ttf")))
    except (OSError, ValueError):  # fonts missing: fall back, writing "Rs" for ₹
        return "Helvetica", "Helvetica-Bold"
    return _FONT, _FONT_BOLD


def _styles(font: str, bold: str) -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=bold, fontSize=15),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=12),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=font, fontSize=9),
        "cell": ParagraphStyle(
            "cell", parent=base["BodyText"], fontName=font, fontSize=7.5, leading=9
        ),
    }


def _inline(text: str, font_ok: bool) -> str:
    out = escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    return out if font_ok else out.replace("₹", "Rs ")


def _table(rows: list[list[str]], st: dict[str, ParagraphStyle], font_ok: bool) -> Table:
    data = [[Paragraph(_inline(c.strip(), font_ok), st["cell"]) for c in r] for r in rows]
    t = Table(data, repeatRows=1, hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eaeef2")),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#afb8c1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def _flowables(markdown: str, st: dict[str, ParagraphStyle], font_ok: bool) -> list[Flowable]:
    out: list[Flowable] = []
    table: list[list[str]] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            if not re.fullmatch(r"\|(---\|)+", line.strip()):
                table.append(line.strip().strip("|").split("|"))
            continue
        if table:
            out += [_table(table, st, font_ok), Spacer(1, 3 * mm)]
            table = []
        if line.startswith("# "):
            out.append(Paragraph(_inline(line[2:], font_ok), st["h1"]))
        elif line.startswith("## "):
            out.append(Paragraph(_inline(line[3:], font_ok), st["h2"]))
        elif line.startswith("- "):
            out.append(Paragraph("• " + _inline(line[2:], font_ok), st["body"]))
        elif line.strip():
            out.append(Paragraph(_inline(line, font_ok), st["body"]))
    return out


def _banner(simulated: bool, font: str) -> object:
    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.drawString(15 * mm, 8 * mm, f"desk report — page {doc.page}")
        if simulated:
            canvas.setFillColor(colors.HexColor("#cf222e"))
            canvas.rect(0, A4[1] - 9 * mm, A4[0], 9 * mm, stroke=0, fill=1)
            canvas.setFillColor(colors.white)
            canvas.setFont(font, 10)
            canvas.drawCentredString(
                A4[0] / 2, A4[1] - 6.2 * mm, "SIMULATED — simulated/replayed market, paper broker"
            )
        canvas.restoreState()

    return draw


def render_pdf(markdown: str, charts: Sequence[bytes], *, simulated: bool, title: str) -> bytes:
    """Lay out the Markdown then the charts on A4 and return the PDF bytes."""
    font, bold = _register_fonts()
    st = _styles(font, bold)
    story = _flowables(markdown, st, font_ok=font == _FONT)
    for png in charts:
        img = Image(io.BytesIO(png))
        scale = min(1.0, (A4[0] - 30 * mm) / img.drawWidth)
        img.drawWidth, img.drawHeight = img.drawWidth * scale, img.drawHeight * scale
        story += [Spacer(1, 4 * mm), img]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        title=title,
        author="desk",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
    )
    on_page = _banner(simulated, font)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()
