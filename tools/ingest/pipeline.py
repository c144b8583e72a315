"""Own the ingestion pipeline: poll -> normalise -> dedup -> PENDING -> tag + embed -> store."""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock, ensure_utc
from core.enums import AuditCategory, EventSource, ProcessingStatus
from core.ports import Embedder
from store.audit import AuditLog
from store.db import transaction
from store.repos import events as repo
from tools.ingest.artifacts import ArtifactFetcher
from tools.ingest.dedup import NearDupIndex
from tools.ingest.items import Feed, FeedItem
from tools.ingest.normalize import (
    clean_text,
    content_hash,
    detect_language,
    normalize_url,
    safe_text,
)
from tools.ingest.queue import FILINGS, assign_priority
from tools.nlp.linker import TickerLinker
from tools.nlp.tagger import Tagger, TagResult

MAX_RAW_CHARS = 1_000_000
_CHUNK = 200
_DUP_TEXT_CHARS = 400


@dataclass(frozen=True, slots=True)
class PollReport:
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    feed_errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProcessReport:
    processed: int = 0
    failed: int = 0
    latencies_ms: tuple[float, ...] = field(default=())


@dataclass
class _Work:
    event: repo.EventView
    text: str = ""
    body: str = ""
    content: str | None = None
    error: str | None = None
    started: float = 0.0
    prep_ms: float = 0.0


class IngestPipeline:
    """Feeds in, tagged and embedded events out; the PENDING rows are the (restart-safe) queue."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Clock, audit: AuditLog, tagger: Tagger,
        embedder: Embedder, feeds: Sequence[Feed] = (), watchlist_symbols: Collection[str] = (),
        *, fetcher: ArtifactFetcher | None = None, linker: TickerLinker | None = None,
        near_dup: NearDupIndex | None = None, fetch_sources: Collection[EventSource] = FILINGS,
    ) -> None:
        self._sessions, self._clock, self._audit = sessions, clock, audit
        self._tagger, self._embedder = tagger, embedder
        self.feeds = list(feeds)
        self.watchlist = set(watchlist_symbols)
        self._fetcher = fetcher
        self._fetch_sources = set(fetch_sources)
        self._linker = linker or getattr(tagger, "linker", None)
        self._dedup = near_dup or NearDupIndex()

    # ---- intake -------------------------------------------------------------------------
    def warm_dedup(self, days: int = 3, limit: int = 20_000) -> int:
        """Reload recent events into the near-duplicate index (after a restart)."""
        since = self._clock.now() - timedelta(days=days)
        with self._sessions() as s:
            views = repo.recent_events(s, since=since, limit=limit)
        for v in reversed(views):
            self._dedup.add(v.id, _dup_text(v.title or "", v.normalized_content or ""),
                            v.features.get("dedup_symbols", ()) if v.features else ())
        return len(views)

    def poll_once(self) -> PollReport:
        """Fetch every feed and store new items as PENDING; a failing feed never stops the rest."""
        counts = {"fetched": 0, "new": 0, "dup": 0, "near": 0}
        errors: list[str] = []
        for feed in self.feeds:
            try:
                batch = feed.fetch()
            except Exception as exc:  # a feed bug must not stop the other feeds
                errors.append(f"{getattr(feed, 'name', feed)}: {type(exc).__name__}: {exc}")
                continue
            errors.extend(f"{batch.feed}: {e}" for e in batch.errors)
            counts["fetched"] += len(batch.items)
            for i in range(0, len(batch.items), _CHUNK):
                self._store_chunk(batch.items[i:i + _CHUNK], counts, errors)
        if errors:
            with transaction(self._sessions) as s:
                self._audit.append(s, "feed_errors", {"errors": errors[:50], "count": len(errors)},
                                   category=AuditCategory.INGESTION)
        return PollReport(counts["fetched"], counts["new"], counts["dup"], counts["near"],
                          tuple(errors))

    def _store_chunk(self, items: Sequence[FeedItem], counts: dict[str, int],
                     errors: list[str]) -> None:
        """One transaction per chunk (fast); if it fails, redo the chunk item by item so only
        the bad item is lost (and reported)."""
        added: list[int] = []
        try:
            with transaction(self._sessions) as s:
                states = [self._store(item, s, added) for item in items]
        except Exception:
            for eid in added:
                self._dedup.remove(eid)
            for item in items:
                try:
                    with transaction(self._sessions) as s:
                        counts[self._store(item, s, [])[1]] += 1
                except Exception as exc:  # this item only
                    errors.append(f"{item.source.value} {item.title[:60]!r}: "
                                  f"{type(exc).__name__}: {exc}")
            return
        for _eid, state in states:
            counts[state] += 1

    def _store(self, item: FeedItem, s: Session, added: list[int]) -> tuple[int, str]:
        title = clean_text(item.title, max_chars=1000)
        body = clean_text(item.body)
        dup_text = _dup_text(title, body)
        symbols = self._symbols(item, title, body)
        near = self._dedup.find(dup_text, symbols)
        features: dict[str, Any] = {k: v for k, v in (
            ("category", item.category), ("company", item.company),
            ("feed_symbol", item.symbol), ("dedup_symbols", symbols)) if v}
        eid, is_new = repo.insert_event(
            s, source=item.source.value, title=title, source_url=normalize_url(item.url),
            artifact_url=item.artifact_url,
            raw_content=safe_text((item.raw or item.body)[:MAX_RAW_CHARS]),
            normalized_content=body, language=item.language or detect_language(
                f"{title} {body}"),
            content_hash=content_hash(title, body), event_timestamp=item.published_at,
            ingested_at=self._clock.now(), symbols=symbols, duplicate_of=near,
            priority=assign_priority(item.source, title, body, symbols, self.watchlist),
            features=features or None,
            status=ProcessingStatus.PROCESSED if near else ProcessingStatus.PENDING,
        )
        if is_new and near is not None:
            self._audit.append(s, "event_near_duplicate", {"title": title, "of": near},
                               category=AuditCategory.INGESTION, event_id=eid,
                               artifact_links=[u for u in (item.url,) if u])
        if not is_new:
            return eid, "dup"
        self._dedup.add(eid, dup_text, symbols)
        added.append(eid)
        return eid, "near" if near is not None else "new"

    def _symbols(self, item: FeedItem, title: str, body: str) -> list[str]:
        found = [item.symbol] if item.symbol else []
        if self._linker is not None:
            found += self._linker.link(f"{item.company or ''}\n{title}\n{body[:1000]}")
        return list(dict.fromkeys(found))

    def ingest_headline(self, title: str, body: str, source: EventSource | str, url: str | None,
                        ts: datetime) -> int:
        """Store and process one headline now (the hot path).

        Returns the id of the canonical event: the new one, or for an exact or near duplicate
        the one already stored (processed now if it was still PENDING), so the caller always
        gets a tagged event unless processing failed.
        """
        item = FeedItem(source=EventSource(source), title=title, body=body, url=url,
                        published_at=ensure_utc(ts))
        with transaction(self._sessions) as s:
            eid, _state = self._store(item, s, [])
        with self._sessions() as s:
            view = repo.get_event(s, eid)
            if view.duplicate_of is not None:
                view = repo.get_event(s, view.duplicate_of)
        if view.status == ProcessingStatus.PENDING:
            self._process([view])
        return view.id

    # ---- processing ---------------------------------------------------------------------
    def process_pending(self, limit: int = 64, batch_size: int = 32) -> ProcessReport:
        """Tag and embed up to `limit` PENDING events (HIGH priority first)."""
        with self._sessions() as s:
            pending = repo.next_pending(s, limit)
        done, failed = 0, 0
        lat: list[float] = []
        for i in range(0, len(pending), batch_size):
            p, f, ms = self._process(pending[i:i + batch_size])
            done, failed, lat = done + p, failed + f, lat + ms
        return ProcessReport(done, failed, tuple(lat))

    def _process(self, views: Sequence[repo.EventView]) -> tuple[int, int, list[float]]:
        """Per-event latency = its own fetch/prepare + its share of the batched embedding +
        its own tagging, storing and audit."""
        work = [self._prepare(v) for v in views]
        ok = [w for w in work if w.error is None]
        t0 = time.perf_counter()
        vecs = self._embed([w.text for w in ok]) if ok else None
        embed_share_ms = (time.perf_counter() - t0) * 1000 / max(1, len(ok))
        row_of = {id(w): i for i, w in enumerate(ok)}
        done = failed = 0
        latencies = []
        for w in work:
            t1 = time.perf_counter()
            vec = vecs[row_of[id(w)]] if w.error is None and vecs is not None else None
            if self._finish(w, vec):
                done += 1
            else:
                failed += 1
            share = embed_share_ms if vec is not None else 0.0
            latencies.append(w.prep_ms + share + (time.perf_counter() - t1) * 1000)
        return done, failed, latencies

    def _prepare(self, view: repo.EventView) -> _Work:
        w = _Work(view, started=time.perf_counter())
        body = view.normalized_content or ""
        try:
            if self._fetcher and view.artifact_url and view.source in self._fetch_sources:
                extracted = self._fetcher.text(view.artifact_url)
                body = f"{body}\n\n{extracted}".strip() if body else extracted
                w.content = clean_text(body)
        except Exception as exc:  # broken PDF, empty page, huge or non-UTF-8 body, HTTP error
            w.error = f"artifact: {type(exc).__name__}: {exc}"
        w.body = body
        w.text = f"{view.title or ''}\n{body}"
        w.prep_ms = (time.perf_counter() - w.started) * 1000
        return w

    def _embed(self, texts: list[str]) -> npt.NDArray[np.float32] | None:
        try:
            return self._embedder.embed([t[:2000] for t in texts])
        except Exception:  # the embedder failed for the batch: fall back to one by one
            return None

    def _tag(self, w: _Work, vec: npt.NDArray[np.float32] | None) -> tuple[TagResult, Any]:
        title, body = w.event.title or "", w.body
        if vec is None:
            vec = self._embedder.embed([w.text[:2000]])[0]
        with_vec = getattr(self._tagger, "tag_with_vector", None)
        tag = with_vec(title, body, vec) if with_vec else self._tagger.tag(title, body)
        return tag, vec

    def _finish(self, w: _Work, vec: npt.NDArray[np.float32] | None) -> bool:
        if w.error is None:
            try:
                tag, vec = self._tag(w, vec)
                self._save(w, tag, vec)
                return True
            except Exception as exc:  # a tagger or store error fails this event only
                w.error = f"tag/store: {type(exc).__name__}: {exc}"
        self._fail(w)
        return False

    def _save(self, w: _Work, tag: TagResult, vec: Any) -> None:
        ev, now = w.event, self._clock.now()
        symbols = list(dict.fromkeys([*ev.symbols, *tag.tickers]))
        with transaction(self._sessions) as s:
            repo.save_tag(s, ev.id, tag, now)
            repo.set_embedding(s, ev.id, vec, self._embedder.model_version)
            repo.mark_processed(s, ev.id, now, symbols=symbols, event_type=tag.event_type.value,
                                content=w.content)
            self._audit.append(
                s, "event_processed",
                {"title": ev.title, "source": ev.source, "event_type": tag.event_type,
                 "stance": tag.stance, "confidence": tag.confidence, "tickers": symbols,
                 "impact_score": tag.impact_score, "rationale": tag.rationale},
                category=AuditCategory.INGESTION, event_id=ev.id, model_version=tag.model_version,
                artifact_links=[u for u in (ev.source_url, ev.artifact_url) if u],
                latency_ms=int((time.perf_counter() - w.started) * 1000),
            )

    def _fail(self, w: _Work) -> None:
        reason = w.error or "unknown failure"
        with transaction(self._sessions) as s:
            repo.mark_failed(s, w.event.id, reason, self._clock.now())
            self._audit.append(s, "event_failed", {"title": w.event.title, "reason": reason},
                               category=AuditCategory.INGESTION, event_id=w.event.id,
                               artifact_links=[u for u in (w.event.source_url,
                                                           w.event.artifact_url) if u])


def _dup_text(title: str, body: str) -> str:
    return f"{title} {body[:_DUP_TEXT_CHARS]}"
