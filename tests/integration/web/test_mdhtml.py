"""The report page's Markdown view: structure kept, any markup in report text escaped."""

from __future__ import annotations

from app.web.pages.mdhtml import markdown_html


def test_headings_bullets_tables_and_bold() -> None:
    html = str(
        markdown_html(
            "# EOD\n\n**SIMULATED** note\n\n## Summary\n\n- net: ₹5.00\n- fees: ₹1.00\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n"
        )
    )
    assert "<h2>EOD</h2>" in html
    assert "<p><strong>SIMULATED</strong> note</p>" in html
    assert "<ul><li>net: ₹5.00</li><li>fees: ₹1.00</li></ul>" in html
    assert "<th>a</th><th>b</th>" in html
    assert "<td>1</td><td>2</td>" in html
    assert "---" not in html


def test_text_from_the_store_cannot_inject_markup() -> None:
    html = str(markdown_html("| reason |\n|---|\n| <script>alert(1)</script> |\n- <b>x</b>"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
