"""Own the feeds' HTTP: timeouts, a body-size cap, charset decoding, retries on temporary errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import (
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from core.errors import FeedError, TemporaryError

MAX_BODY_BYTES = 10 * 1024 * 1024
BROWSER_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/126.0 Safari/537.36")


class TemporaryFeedError(FeedError, TemporaryError):
    """5xx, timeout or connection failure: retried with backoff."""


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    status: int
    content: bytes
    content_type: str

    @property
    def charset(self) -> str | None:
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"'").lower()
        return None

    def text(self) -> str:
        """Decode with the declared charset, else UTF-8; undecodable bytes raise FeedError."""
        encoding = self.charset or "utf-8"
        try:
            return self.content.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise FeedError(f"{self.url}: body is not valid {encoding} ({exc})") from exc


class FeedHttp:
    """A small synchronous HTTP client shared by every feed."""

    def __init__(
        self, timeout_s: float = 10.0, attempts: int = 3, max_bytes: int = MAX_BODY_BYTES,
        headers: Mapping[str, str] | None = None, backoff_s: float = 0.5,
    ) -> None:
        self.max_bytes = max_bytes
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_s), follow_redirects=True,
            headers={"User-Agent": BROWSER_UA, "Accept": "*/*", **(headers or {})},
        )
        self._get = retry(
            retry=retry_if_exception_type(TemporaryFeedError),
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=backoff_s, max=8.0),
            reraise=True,
        )(self._get_once)

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None) -> Fetched:
        """GET url; 4xx raise FeedError at once, 5xx/timeouts are retried then raised."""
        result: Fetched = self._get(url, params, headers)
        return result

    def _get_once(self, url: str, params: Mapping[str, Any] | None,
                  headers: Mapping[str, str] | None) -> Fetched:
        try:
            with self._client.stream("GET", url, params=params, headers=headers) as resp:
                if resp.status_code >= 500:
                    raise TemporaryFeedError(f"{url}: HTTP {resp.status_code}")
                if resp.status_code >= 400:  # incl. 429: the next poll is the retry
                    raise FeedError(f"{url}: HTTP {resp.status_code}")
                body = self._read_capped(resp, url)
                return Fetched(str(resp.url), resp.status_code, body,
                               resp.headers.get("content-type", ""))
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise TemporaryFeedError(f"{url}: {type(exc).__name__}: {exc}") from exc

    def _read_capped(self, resp: httpx.Response, url: str) -> bytes:
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FeedError(f"{url}: body of {int(declared):,} bytes exceeds the "
                            f"{self.max_bytes:,}-byte limit")
        chunks, size = [], 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FeedError(f"{url}: body exceeds the {self.max_bytes:,}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)
