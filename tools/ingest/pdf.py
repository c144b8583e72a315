"""Own PDF text extraction with pdfplumber: page text outside tables, tables kept as rows."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pdfplumber

from core.errors import FeedError

MAX_PAGES = 40


class PdfError(FeedError):
    """The bytes are not a readable PDF."""


@dataclass(frozen=True, slots=True)
class PdfText:
    text: str  # prose and tables in page order, tables rendered as "a | b | c" rows
    tables: tuple[tuple[tuple[str, ...], ...], ...]
    pages: int


def _cell(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _page(page: Any) -> tuple[str, list[tuple[tuple[str, ...], ...]]]:
    found = page.find_tables()
    tables = [tuple(tuple(_cell(c) for c in row) for row in t.extract()) for t in found]
    bboxes = [t.bbox for t in found]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in bboxes)

    prose = page.filter(outside).extract_text() or ""
    rendered = ["\n".join(" | ".join(r) for r in t) for t in tables]
    return "\n\n".join(p for p in [prose.strip(), *rendered] if p), tables


def extract_pdf(data: bytes, max_pages: int = MAX_PAGES) -> PdfText:
    """Extract text and tables; raise PdfError (never anything else) for unreadable input."""
    if not data.startswith(b"%PDF"):
        raise PdfError("not a PDF (missing %PDF header)")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            parts, tables = [], []
            for page in pdf.pages[:max_pages]:
                text, page_tables = _page(page)
                parts.append(text)
                tables.extend(page_tables)
            n = len(pdf.pages)
    except PdfError:
        raise
    except Exception as exc:  # pdfminer raises many types for corrupt files
        raise PdfError(f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    text = "\n\n".join(p for p in parts if p).strip()
    if not text:
        raise PdfError("PDF has no extractable text (scanned image?)")
    return PdfText(text, tuple(tables), n)
