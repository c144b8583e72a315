"""Own artifact enrichment: download a filing PDF or article page and extract its text."""

from __future__ import annotations

import trafilatura

from core.errors import FeedError
from tools.ingest.http import FeedHttp
from tools.ingest.normalize import clean_text
from tools.ingest.pdf import extract_pdf

MIN_ARTICLE_CHARS = 80


class ArtifactFetcher:
    """Fetch and extract; every failure is a FeedError with a reason fit for `failure_reason`."""

    def __init__(self, http: FeedHttp) -> None:
        self._http = http

    def text(self, url: str) -> str:
        got = self._http.get(url)
        is_pdf = "pdf" in got.content_type.lower() or got.content.startswith(b"%PDF") or \
            url.lower().endswith(".pdf")
        if is_pdf:
            return extract_pdf(got.content).text
        return article_text(got.text(), url)


def article_text(html: str, url: str = "") -> str:
    """Main text of an article page (trafilatura); FeedError when no article is found."""
    try:
        extracted = trafilatura.extract(html, url=url or None, include_tables=True,
                                        favor_precision=True)
    except Exception as exc:  # lxml errors on broken markup
        raise FeedError(f"{url}: HTML could not be parsed ({type(exc).__name__})") from exc
    text = clean_text(extracted or "")
    if len(text) < MIN_ARTICLE_CHARS:
        raise FeedError(f"{url}: no article text found in the page")
    return text
