"""Own the HTML view of a stored report's Markdown (the subset reports use: headings, bullets,
bold, tables), escaped line by line so report text can never inject markup."""

from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

_SEPARATOR = re.compile(r"\|(\s*-+\s*\|)+")


def _inline(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escape(text.strip()))


def _table(rows: list[list[str]]) -> str:
    head, *body = rows
    out = ["<table><thead><tr>", *(f"<th>{_inline(c)}</th>" for c in head), "</tr></thead><tbody>"]
    for r in body:
        out += ["<tr>", *(f"<td>{_inline(c)}</td>" for c in r), "</tr>"]
    return "".join([*out, "</tbody></table>"])


def markdown_html(markdown: str) -> Markup:
    """Render report Markdown as HTML."""
    out: list[str] = []
    table: list[list[str]] = []
    bullets: list[str] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            if not _SEPARATOR.fullmatch(line.strip()):
                table.append(line.strip().strip("|").split("|"))
            continue
        if table:
            out.append(_table(table))
            table = []
        if line.startswith("- "):
            bullets.append(f"<li>{_inline(line[2:])}</li>")
            continue
        if bullets:
            out.append("<ul>" + "".join(bullets) + "</ul>")
            bullets = []
        if line.startswith("## "):
            out.append(f"<h2>{_inline(line[3:])}</h2>")
        elif line.startswith("# "):
            out.append(f"<h2>{_inline(line[2:])}</h2>")
        elif line.strip():
            out.append(f"<p>{_inline(line)}</p>")
    return Markup("\n".join(out))  # noqa: S704 - every piece of text above is escaped
