"""Own normalisation: clean text, language guess, canonical URLs, source times to UTC, hashes."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from datetime import datetime, tzinfo
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from core.clock import IST, ensure_utc

_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"[ \t\r\f\v]+")
_NL = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|ref_src|cmpid|ito|from)$", re.I)
_WORD = re.compile(r"[a-z0-9]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_EN_STOP = frozenset({
    "the", "of", "and", "to", "in", "a", "is", "for", "on", "with",
    "by", "at", "from", "as", "has", "its", "that", "be", "are",
})
MAX_CONTENT_CHARS = 200_000


def safe_text(text: str) -> str:
    """Text any database accepts: no NUL bytes, no lone surrogates (replaced by U+FFFD)."""
    return _SURROGATE.sub("\ufffd", text.replace("\x00", "")) if text else ""


def clean_text(text: str, max_chars: int = MAX_CONTENT_CHARS) -> str:
    """Unescape HTML, drop tags and control characters, NFKC, collapse spaces, keep paragraphs."""
    out = html.unescape(safe_text(text or ""))
    out = _TAG.sub(" ", out)
    out = unicodedata.normalize("NFKC", out)
    out = _CONTROL.sub("", out).replace("\u00a0", " ")
    lines = [_WS.sub(" ", ln).strip() for ln in out.split("\n")]
    out = _NL.sub("\n\n", "\n".join(lines)).strip()
    return out[:max_chars]


def detect_language(text: str) -> str:
    """A script + stop-word guess: 'hi' (Devanagari), 'en', or 'und' when unsure."""
    sample = text[:2000]
    letters = [c for c in sample if c.isalpha()]
    if not letters:
        return "und"
    deva = sum(1 for c in letters if "\u0900" <= c <= "\u097f")
    if deva / len(letters) > 0.3:
        return "hi"
    latin = sum(1 for c in letters if c.isascii())
    words = _WORD.findall(sample.lower())
    if latin / len(letters) > 0.8 and (len(words) < 8 or any(w in _EN_STOP for w in words)):
        return "en"
    return "und"


def normalize_url(url: str | None) -> str | None:
    """Canonical URL: lower-case scheme/host, no fragment, no tracking params, sorted query."""
    if not url:
        return None
    url = url.strip()
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    host = parts.hostname or ""
    if parts.port and not ((parts.scheme == "http" and parts.port == 80)
                           or (parts.scheme == "https" and parts.port == 443)):
        host = f"{host}:{parts.port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _TRACKING.match(k))
    path = parts.path.rstrip("/") or ("/" if parts.scheme.lower() in {"http", "https"} else "")
    return urlunsplit((parts.scheme.lower(), host.lower(), path, urlencode(query), ""))


def to_utc(ts: datetime, source_tz: tzinfo = IST) -> datetime:
    """Attach the source's timezone to a naive time (NSE/BSE/RBI publish IST), then go to UTC."""
    return ensure_utc(ts if ts.tzinfo else ts.replace(tzinfo=source_tz))


def parse_source_time(value: str, formats: tuple[str, ...], source_tz: tzinfo = IST) -> datetime:
    """Parse a source time string by the given strptime formats (or RFC 2822) into UTC."""
    value = value.strip()
    for fmt in formats:
        try:
            return to_utc(datetime.strptime(value, fmt), source_tz)  # noqa: DTZ007 - tz added
        except ValueError:
            continue
    try:
        return to_utc(parsedate_to_datetime(value), source_tz)
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"unrecognised time {value!r}") from exc


def content_hash(title: str, body: str = "") -> str:
    """SHA-256 over the lower-cased alphanumerics of title + body (punctuation-insensitive)."""
    words = _WORD.findall(f"{title} {body}".lower())
    return hashlib.sha256(" ".join(words).encode()).hexdigest()
