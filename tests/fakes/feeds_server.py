"""Loopback fake of every ingestion source on 127.0.0.1:0, speaking each one's real wire format.

Serves NSE announcements (JSON, and CSV with ?csv=true), BSE AnnSubCategoryGetData JSON, filing
PDFs (built with reportlab, plus a broken one), RSS/Atom news feeds, article HTML (plus a page
with no article, an 11 MB page and a Latin-1 page without a charset), NewsAPI /v2/everything
(checks X-Api-Key), GDELT DOC 2.0 JSON and the RBI/SEBI/PIB RSS. Payloads live in
payloads/feeds/ with `{base}` standing for this server's URL. `fail(path, status, times)` makes a
path answer an error status a few times (retry tests); `add(path, body, content_type)` adds a
route (e.g. a 10,000-item RSS feed for the benchmark). `hits` counts requests per path.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fixtures.pdfs import ALL as PDFS

PAYLOADS = Path(__file__).parent / "payloads" / "feeds"
NEWSAPI_KEY = "test-newsapi-key"

ARTICLES = {
    "ril-jio": ("Reliance Industries shares jump 3% after Jio tariff hike",
                "Shares of Reliance Industries rose 3% on Tuesday after brokerages said the Jio "
                "tariff hike would lift earnings of the telecom arm over the next two years."),
    "ril-jio-mint": ("RIL stock jumps 3% as Jio tariff hike lifts outlook",
                     "Shares of Reliance Industries rose 3% on Tuesday after brokerages said the "
                     "Jio tariff hike would lift earnings of the telecom arm."),
    "market-close": ("Sensex, Nifty end flat as FIIs sell",
                     "Benchmark indices ended flat on Tuesday as foreign investors sold Indian "
                     "equities and the rupee weakened to a record low against the dollar."),
    "hdfclife": ("HDFC Life Q3 premium growth beats estimates",
                 "HDFC Life Insurance reported higher premium growth than analysts expected, "
                 "driven by protection and annuity products."),
    "infy-deal": ("Infosys wins $1.5 billion deal from European bank",
                  "Infosys has signed a multi-year deal worth $1.5 billion with a large European "
                  "bank to modernise its technology estate, the company said on Tuesday."),
    "sbi-rates": ("SBI cuts lending rates by 10 basis points",
                  "State Bank of India cut its marginal cost of funds based lending rate by 10 "
                  "basis points across tenors, effective December 15."),
}


class FakeFeedsServer:
    """Start with `with FakeFeedsServer() as srv:`; srv.base_url is http://127.0.0.1:<port>."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self._failures: dict[str, list[int]] = {}
        self._extra: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()
        self._pdfs = {name: build() for name, build in PDFS.items()}
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeFeedsServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def fail(self, path: str, status: int, times: int = 1) -> None:
        with self._lock:
            self._failures.setdefault(path, []).extend([status] * times)

    def add(self, path: str, body: bytes, content_type: str) -> None:
        with self._lock:
            self._extra[path] = (body, content_type)

    def payload(self, name: str) -> bytes:
        return (PAYLOADS / name).read_text(encoding="utf-8").replace(
            "{base}", self.base_url).encode()

    def _failure(self, path: str) -> int | None:
        with self._lock:
            self.hits[path] += 1
            queue = self._failures.get(path)
            return queue.pop(0) if queue else None

    # ---- routing --------------------------------------------------------------------------
    def route(self, path: str, query: dict[str, list[str]], headers: Any,
              ) -> tuple[int, bytes, str]:
        if path in self._extra:
            body, ctype = self._extra[path]
            return 200, body, ctype
        if path == "/":
            return 200, b"<html><body>home</body></html>", "text/html; charset=utf-8"
        if path == "/api/corporate-announcements":
            return self._nse(query)
        if path == "/BseIndiaAPI/api/AnnSubCategoryGetData/w":
            return 200, self.payload("bse_announcements.json"), "application/json"
        if path.startswith(("/corporate/", "/xml-data/corpfiling/AttachLive/")):
            return self._pdf(path.rsplit("/", 1)[-1])
        if path.startswith("/articles/"):
            return self._article(path.rsplit("/", 1)[-1].removesuffix(".html"))
        if path == "/v2/everything":
            if headers.get("X-Api-Key") != NEWSAPI_KEY:
                return 401, json.dumps({"status": "error", "code": "apiKeyInvalid",
                                        "message": "Your API key is invalid."}).encode(), \
                    "application/json"
            return 200, self.payload("newsapi.json"), "application/json"
        if path == "/api/v2/doc/doc":
            return 200, self.payload("gdelt.json"), "application/json; charset=utf-8"
        feeds = {"/rss/news.xml": "news_rss.xml", "/rss/mint.xml": "mint_atom.xml",
                 "/rss/rbi.xml": "rbi_rss.xml", "/rss/sebi.xml": "sebi_rss.xml",
                 "/rss/pib.xml": "pib_rss.xml"}
        if path in feeds:
            return 200, self.payload(feeds[path]), "application/rss+xml; charset=utf-8"
        if path == "/rss/malformed.xml":
            return 200, b"<rss><channel><item><title>broken", "application/rss+xml"
        return 404, b"not found", "text/plain"

    def _nse(self, query: dict[str, list[str]]) -> tuple[int, bytes, str]:
        rows = json.loads(self.payload("nse_announcements.json"))
        if query.get("csv") != ["true"]:
            return 200, json.dumps(rows).encode(), "application/json"
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["SYMBOL", "COMPANY NAME", "SUBJECT", "DETAILS", "BROADCAST DATE/TIME",
                    "ATTACHMENT"])
        for r in rows:
            w.writerow([r.get("symbol", ""), r.get("sm_name", ""), r.get("desc", ""),
                        r.get("attchmntText", ""), r.get("an_dt", ""), r.get("attchmntFile", "")])
        return 200, out.getvalue().encode(), "text/csv; charset=utf-8"

    def _pdf(self, name: str) -> tuple[int, bytes, str]:
        if name == "broken.pdf":
            return 200, b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n%%EOF", "application/pdf"
        if name in self._pdfs:
            return 200, self._pdfs[name], "application/pdf"
        if name.startswith("bm_"):
            return 200, self._pdfs["board_meeting_outcome.pdf"], "application/pdf"
        return 404, b"not found", "text/plain"

    def _article(self, slug: str) -> tuple[int, bytes, str]:
        if slug == "empty":
            return 200, b"<html><body><nav>Home | Markets</nav></body></html>", \
                "text/html; charset=utf-8"
        if slug == "huge":
            return 200, b"<html><body><p>" + b"x" * (11 * 1024 * 1024) + b"</p></body></html>", \
                "text/html; charset=utf-8"
        if slug == "latin1":
            text = "<html><body><article><p>" + "Société Générale café " * 20 + "</p></article>"
            return 200, text.encode("latin-1"), "text/html"
        title, lead = ARTICLES.get(slug, (slug.replace("-", " ").title(), f"Story about {slug}. "
                                          * 5))
        page = (PAYLOADS / "article.html").read_text(encoding="utf-8")
        return 200, page.replace("{title}", title).replace("{lead}", lead).encode(), \
            "text/html; charset=utf-8"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                status = server._failure(parts.path)
                if status is not None:
                    self._send(status, b"temporarily unavailable", "text/plain")
                    return
                code, body, ctype = server.route(parts.path, parse_qs(parts.query), self.headers)
                self._send(code, body, ctype)

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    return

        return Handler
