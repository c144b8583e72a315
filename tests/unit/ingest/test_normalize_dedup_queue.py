"""Normalisation, near-duplicate detection, priority rules and PDF extraction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.clock import IST
from core.enums import EventSource, Priority
from tests.fixtures.pdfs import board_meeting_outcome, sebi_penalty
from tools.ingest.dedup import NearDupIndex
from tools.ingest.normalize import (
    clean_text,
    content_hash,
    detect_language,
    normalize_url,
    parse_source_time,
    to_utc,
)
from tools.ingest.pdf import PdfError, extract_pdf
from tools.ingest.queue import assign_priority


def test_clean_text():
    raw = "<p>Q3&nbsp;profit &amp; revenue\x07 up</p>\n\n\n\n<b>Next</b>  para"
    assert clean_text(raw) == "Q3 profit & revenue up\n\nNext para"
    assert len(clean_text("a" * 500_000)) == 200_000


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTPS://Www.Example.COM:443/a/b/?utm_source=x&b=2&a=1#frag",
     "https://www.example.com/a/b?a=1&b=2"),
    ("http://example.com", "http://example.com/"),
    ("http://example.com:8080/x?fbclid=1", "http://example.com:8080/x"),
    ("sim://1", "sim://1"),
    (None, None),
])
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


def test_times_and_language():
    assert to_utc(datetime(2025, 12, 16, 18, 45)) == datetime(2025, 12, 16, 13, 15, tzinfo=UTC)
    assert parse_source_time("16-Dec-2025 09:15:00", ("%d-%b-%Y %H:%M:%S",)) == datetime(
        2025, 12, 16, 3, 45, tzinfo=UTC)
    assert parse_source_time("Tue, 16 Dec 2025 10:05:00 +0000", ()) == datetime(
        2025, 12, 16, 10, 5, tzinfo=UTC)
    assert to_utc(datetime(2025, 1, 1, tzinfo=IST)).tzinfo is UTC
    with pytest.raises(ValueError, match="unrecognised"):
        parse_source_time("yesterday", ("%Y",))
    assert detect_language("The board of the company approved the results") == "en"
    assert detect_language("रिलायंस इंडस्ट्रीज के शेयर चढ़े") == "hi"
    assert detect_language("1234 !!") == "und"


def test_content_hash_ignores_case_and_punctuation():
    assert content_hash("TCS: Buyback!", "x") == content_hash("tcs buyback", "X")
    assert content_hash("TCS buyback") != content_hash("TCS dividend")


def test_near_dup_index_finds_rewrites_not_different_stories():
    idx = NearDupIndex()
    idx.add(1, "Reliance Industries shares jump 3% after Jio tariff hike lifts outlook. Shares of "
               "Reliance Industries rose 3% on Tuesday after brokerages said the tariff hike")
    assert idx.find("RIL stock jumps 3% as Jio tariff hike lifts outlook. Shares of Reliance "
                    "Industries rose 3% on Tuesday after brokerages said the tariff hike") == 1
    assert idx.find("Infosys wins a large deal from a European bank worth 1.5 billion") is None
    assert idx.find("ok") is None  # too short to judge


def test_near_dup_index_is_bounded():
    idx = NearDupIndex(capacity=2)
    for i in range(3):
        idx.add(i, f"story number {i} about completely different things {i * 7} here")
    assert len(idx) == 2


def test_priority():
    watch = {"TCS"}
    assert assign_priority(EventSource.NSE_FILING, "TCS: Trading Window", "", ["TCS"], watch) \
        is Priority.HIGH
    assert assign_priority(EventSource.NSE_FILING, "X: Buyback", "", ["X"], watch) \
        is Priority.HIGH
    assert assign_priority(EventSource.NSE_FILING, "X: Trading Window", "", ["X"], watch) \
        is Priority.MEDIUM
    assert assign_priority(EventSource.RSS, "TCS Q3 profit rises", "", ["TCS"], watch) \
        is Priority.HIGH
    assert assign_priority(EventSource.RBI, "RBI press release", "", [], watch) is Priority.MEDIUM
    assert assign_priority(EventSource.RSS, "Markets end flat", "", [], watch) is Priority.LOW


def test_pdf_keeps_tables_as_rows():
    out = extract_pdf(board_meeting_outcome())
    assert out.pages == 1
    assert out.tables[0][0] == ("Sr.", "Item", "Decision")
    assert "1 | Unaudited financial results for Q2 FY26 | Approved" in out.text
    assert "Regulation 30" in out.text
    assert "Example Textiles Limited | Regulation 30 of LODR Regulations | 10,00,000" in \
        extract_pdf(sebi_penalty()).text


@pytest.mark.parametrize("data", [b"", b"<html>not a pdf</html>", b"%PDF-1.4 garbage"])
def test_pdf_errors(data):
    with pytest.raises(PdfError):
        extract_pdf(data)
