"""Own the events and event_tags tables: dedup insert, PENDING queue, tags, vectors, search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from sqlalchemy import Float, Select, case, func, select, text
from sqlalchemy.orm import Session

from core.clock import IST, ensure_utc
from core.enums import Priority, ProcessingStatus
from core.errors import NotFound, ValidationError
from store.models import BarRow, EventRow, EventTagRow
from store.types import EMBEDDING_DIM

_PRIORITY_RANK = case(
    (EventRow.priority == Priority.HIGH.value, 0),
    (EventRow.priority == Priority.MEDIUM.value, 1),
    else_=2,
)
MAX_REASON_CHARS = 2000
_NSE_CLOSE_IST = time(15, 30)


class TagLike(Protocol):
    """What save_tag needs from a tagger's result (tools.nlp.tagger.TagResult satisfies it)."""

    @property
    def tickers(self) -> Sequence[str]: ...
    @property
    def entities(self) -> Sequence[Any]: ...
    @property
    def event_type(self) -> str: ...
    @property
    def stance(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def rationale(self) -> str: ...
    @property
    def impact_score(self) -> float: ...
    @property
    def model_version(self) -> str: ...


@dataclass(frozen=True, slots=True)
class TagView:
    tickers: tuple[str, ...]
    entities: tuple[Any, ...]
    event_type: str | None
    stance: str | None
    confidence: float | None
    rationale: str | None
    impact_score: float | None
    model_version: str | None
    tagged_at: datetime | None


@dataclass(frozen=True, slots=True)
class EventView:
    """One stored event with its latest tag (None until tagged)."""

    id: int
    source: str | None
    source_url: str | None
    artifact_url: str | None
    title: str | None
    normalized_content: str | None
    language: str | None
    priority: str | None
    event_type: str | None
    symbols: tuple[str, ...]
    event_timestamp: datetime | None
    ingested_at: datetime | None
    processed_at: datetime | None
    status: str | None
    failure_reason: str | None
    duplicate_of: int | None
    embedding_model: str | None
    features: dict[str, Any] | None
    tag: TagView | None


@dataclass(frozen=True, slots=True)
class SimilarEvent:
    """A past event near the query, with what the stock did afterwards."""

    id: int
    title: str | None
    source: str | None
    source_url: str | None
    event_type: str | None
    stance: str | None
    symbols: tuple[str, ...]
    event_timestamp: datetime | None
    similarity: float
    return_symbol: str | None
    return_5d_pct: float | None


def insert_event(
    session: Session,
    *,
    source: str,
    title: str,
    event_timestamp: datetime,
    ingested_at: datetime,
    source_url: str | None = None,
    artifact_url: str | None = None,
    raw_content: str | None = None,
    normalized_content: str | None = None,
    language: str | None = None,
    content_hash: str | None = None,
    priority: Priority = Priority.LOW,
    symbols: Sequence[str] = (),
    duplicate_of: int | None = None,
    features: dict[str, Any] | None = None,
    status: ProcessingStatus = ProcessingStatus.PENDING,
    failure_reason: str | None = None,
) -> tuple[int, bool]:
    """Store an event unless its (already normalised) URL or content hash is known.

    Returns (event_id, is_new); for a known event the id is the one already stored. A near-duplicate
    (decided by the caller) is stored with `duplicate_of` pointing at the original.
    """
    if not source:
        raise ValidationError("is required", field="source")
    existing = _find_existing(session, source_url, content_hash)
    if existing is not None:
        return existing, False
    row = EventRow(
        source=source, source_url=source_url, artifact_url=artifact_url, title=title,
        raw_content=raw_content, normalized_content=normalized_content, language=language,
        content_hash=content_hash, duplicate_of=duplicate_of, priority=str(priority),
        symbols=list(symbols), event_timestamp=ensure_utc(event_timestamp),
        ingested_at=ensure_utc(ingested_at), features=features, processing_status=str(status),
        failure_reason=_clip(failure_reason),
    )
    session.add(row)
    session.flush()
    return row.id, True


def _find_existing(session: Session, url: str | None, content_hash: str | None) -> int | None:
    # Two indexed lookups (ix_events_source_url, ix_events_content_hash); an OR would scan.
    for column, value in ((EventRow.source_url, url), (EventRow.content_hash, content_hash)):
        if value:
            found = session.scalar(
                select(EventRow.id).where(column == value).order_by(EventRow.id).limit(1))
            if found is not None:
                return found
    return None


def _clip(reason: str | None) -> str | None:
    return None if reason is None else reason[:MAX_REASON_CHARS]


def next_pending(session: Session, limit: int = 50, *, lock: bool = False) -> list[EventView]:
    """Return PENDING events, HIGH priority first, then oldest first.

    With lock=True on Postgres the rows are locked FOR UPDATE SKIP LOCKED, so several workers can
    drain the queue without taking the same event.
    """
    stmt = (
        select(EventRow)
        .where(EventRow.processing_status == ProcessingStatus.PENDING.value)
        .order_by(_PRIORITY_RANK, EventRow.event_timestamp, EventRow.id)
        .limit(limit)
    )
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return [_view(r, None) for r in session.scalars(stmt)]


def count_by_status(session: Session) -> dict[str, int]:
    """Return {status: number of events}."""
    rows = session.execute(
        select(EventRow.processing_status, func.count()).group_by(EventRow.processing_status)
    )
    return {str(status): int(n) for status, n in rows}


def _row(session: Session, event_id: int) -> EventRow:
    row = session.get(EventRow, event_id)
    if row is None:
        raise NotFound(f"event {event_id} does not exist")
    return row


def mark_processed(
    session: Session, event_id: int, processed_at: datetime | None = None, *,
    symbols: Sequence[str] | None = None, event_type: str | None = None,
    content: str | None = None,
) -> None:
    """Mark an event PROCESSED, optionally recording symbols, type and enriched content."""
    row = _row(session, event_id)
    if content is not None:
        row.normalized_content = content
    row.processing_status = ProcessingStatus.PROCESSED.value
    row.processed_at = ensure_utc(processed_at) if processed_at else row.processed_at
    row.failure_reason = None
    if symbols is not None:
        row.symbols = list(symbols)
    if event_type is not None:
        row.event_type = event_type


def mark_failed(
    session: Session, event_id: int, reason: str, failed_at: datetime | None = None,
) -> None:
    """Mark an event FAILED with a human-readable reason (clipped to 2,000 characters)."""
    row = _row(session, event_id)
    row.processing_status = ProcessingStatus.FAILED.value
    row.processed_at = ensure_utc(failed_at) if failed_at else row.processed_at
    row.failure_reason = _clip(reason) or "unknown failure"


def save_tag(
    session: Session, event_id: int, tag: TagLike, tagged_at: datetime | None = None,
) -> int:
    """Store one tagging of an event; an event may be re-tagged (the latest tag wins).

    tagged_at defaults to the event's processed (else ingested) time: the store has no clock.
    """
    event = _row(session, event_id)
    tagged_at = tagged_at or event.processed_at or event.ingested_at
    row = EventTagRow(
        event_id=event_id, entities=list(tag.entities), tickers=list(tag.tickers),
        event_type=str(tag.event_type), stance=str(tag.stance), confidence=float(tag.confidence),
        rationale=tag.rationale, impact_score=float(tag.impact_score),
        model_version=tag.model_version[:50],
        tagged_at=ensure_utc(tagged_at) if tagged_at else None,
    )
    session.add(row)
    session.flush()
    return row.id


def set_embedding(session: Session, event_id: int, vec: npt.ArrayLike, model: str) -> None:
    """Store the event's 384-d vector (normalised to unit length) and the model that made it."""
    arr = np.asarray(vec, dtype=np.float32).reshape(-1)
    if arr.shape[0] != EMBEDDING_DIM:
        raise ValidationError(f"must have {EMBEDDING_DIM} dimensions, got {arr.shape[0]}",
                              field="embedding")
    norm = float(np.linalg.norm(arr))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValidationError("must be finite and non-zero", field="embedding")
    row = _row(session, event_id)
    row.embedding = arr / norm
    row.embedding_model = model[:80]


def get_event(session: Session, event_id: int) -> EventView:
    """Return one event with its latest tag; NotFound if absent."""
    row = _row(session, event_id)
    return _view(row, _latest_tags(session, [row.id]).get(row.id))


def get_embedding(session: Session, event_id: int) -> npt.NDArray[np.float32]:
    """Return the stored vector of an event; NotFound if the event or its vector is missing."""
    vec = _row(session, event_id).embedding
    if vec is None:
        raise NotFound(f"event {event_id} has no embedding yet")
    return np.asarray(vec, dtype=np.float32)


def get_raw_content(session: Session, event_id: int) -> str | None:
    """Return the raw content as ingested (kept apart from EventView to keep views light)."""
    return _row(session, event_id).raw_content


def recent_events(
    session: Session, symbol: str | None = None, since: datetime | None = None,
    event_type: str | None = None, limit: int = 50,
) -> list[EventView]:
    """Return the newest events, optionally for one symbol, type or since a time."""
    stmt = select(EventRow).order_by(EventRow.event_timestamp.desc(), EventRow.id.desc())
    if since is not None:
        stmt = stmt.where(EventRow.event_timestamp >= ensure_utc(since))
    if event_type is not None:
        stmt = stmt.where(EventRow.event_type == event_type)
    if symbol is None:
        rows = list(session.scalars(stmt.limit(limit)))
    else:
        rows = [r for r in session.scalars(stmt) if symbol in (r.symbols or [])][:limit]
    tags = _latest_tags(session, [r.id for r in rows])
    return [_view(r, tags.get(r.id)) for r in rows]


def similar_events(
    session: Session, query_vec: npt.ArrayLike, k: int = 5, symbol: str | None = None,
    event_type: str | None = None, start: datetime | None = None, end: datetime | None = None,
    exclude_id: int | None = None,
) -> list[SimilarEvent]:
    """Return the k stored events nearest to query_vec (cosine), filtered, with 5-day returns.

    Postgres orders by pgvector's cosine distance (HNSW index); SQLite scores the filtered rows
    exactly with numpy. Near-duplicates are left out so one story does not fill the list.
    """
    q = np.asarray(query_vec, dtype=np.float32).reshape(-1)
    if q.shape[0] != EMBEDDING_DIM:
        raise ValidationError(f"must have {EMBEDDING_DIM} dimensions", field="query_vec")
    q = q / max(float(np.linalg.norm(q)), 1e-12)
    stmt = _filtered(event_type, start, end, exclude_id)
    if session.get_bind().dialect.name == "postgresql":
        scored = _pg_nearest(session, stmt, q, k, symbol)
    else:
        scored = _numpy_nearest(session, stmt, q, k, symbol)
    tags = _latest_tags(session, [r.id for r, _ in scored])
    return [_similar(session, r, sim, tags.get(r.id), symbol) for r, sim in scored]


def _filtered(
    event_type: str | None, start: datetime | None, end: datetime | None, exclude_id: int | None,
) -> Select[Any]:
    stmt = select(EventRow).where(EventRow.embedding.is_not(None), EventRow.duplicate_of.is_(None))
    if event_type is not None:
        stmt = stmt.where(EventRow.event_type == event_type)
    if start is not None:
        stmt = stmt.where(EventRow.event_timestamp >= ensure_utc(start))
    if end is not None:
        stmt = stmt.where(EventRow.event_timestamp <= ensure_utc(end))
    if exclude_id is not None:
        stmt = stmt.where(EventRow.id != exclude_id)
    return stmt


def _pg_nearest(
    session: Session, stmt: Select[Any], q: npt.NDArray[np.float32], k: int,
    symbol: str | None,
) -> list[tuple[EventRow, float]]:
    # Filters are applied after the HNSW scan; pgvector >= 0.8 keeps scanning until k rows pass.
    # (older versions treat the dotted name as a harmless placeholder setting).
    session.execute(text("SET LOCAL hnsw.iterative_scan = 'relaxed_order'"))
    dist = EventRow.embedding.op("<=>", return_type=Float())(q)  # cosine distance, HNSW index
    if symbol is not None:
        stmt = stmt.where(EventRow.symbols.op("@>")(func.jsonb_build_array(symbol)))
    rows = session.execute(stmt.add_columns(dist.label("d")).order_by(dist).limit(k)).all()
    scored = [(r[0], 1.0 - float(r[1])) for r in rows]
    return sorted(scored, key=lambda pair: -pair[1])  # relaxed order: re-sort the k found


def _numpy_nearest(
    session: Session, stmt: Select[Any], q: npt.NDArray[np.float32], k: int,
    symbol: str | None,
) -> list[tuple[EventRow, float]]:
    # Score on (id, vector, symbols) only; load the k winning rows afterwards.
    light = stmt.with_only_columns(EventRow.id, EventRow.embedding, EventRow.symbols)
    rows = [(i, v) for i, v, syms in session.execute(light)
            if symbol is None or symbol in (syms or [])]
    if not rows:
        return []
    mat = np.stack([np.asarray(v, dtype=np.float32) for _, v in rows])
    sims = mat @ q
    order = np.argsort(-sims, kind="stable")[:k]
    winners = {r.id: r for r in session.scalars(
        select(EventRow).where(EventRow.id.in_([rows[i][0] for i in order])))}
    return [(winners[rows[i][0]], float(sims[i])) for i in order]


def _similar(
    session: Session, row: EventRow, sim: float, tag: TagView | None, symbol: str | None,
) -> SimilarEvent:
    symbols = tuple(row.symbols or ())
    ret_symbol = symbol or (symbols[0] if symbols else None)
    ret = None
    if ret_symbol is not None and row.event_timestamp is not None:
        ret = forward_return_pct(session, ret_symbol, row.event_timestamp, days=5)
    return SimilarEvent(
        id=row.id, title=row.title, source=row.source, source_url=row.source_url,
        event_type=(tag.event_type if tag else None) or row.event_type,
        stance=tag.stance if tag else None, symbols=symbols, event_timestamp=row.event_timestamp,
        similarity=sim, return_symbol=ret_symbol, return_5d_pct=ret,
    )


def _latest_tags(session: Session, event_ids: Sequence[int]) -> dict[int, TagView]:
    if not event_ids:
        return {}
    stmt = (
        select(EventTagRow)
        .where(EventTagRow.event_id.in_(list(event_ids)))
        .order_by(EventTagRow.event_id, EventTagRow.id)
    )
    out: dict[int, TagView] = {}
    for t in session.scalars(stmt):  # ascending id: the last one written wins
        out[t.event_id] = TagView(
            tickers=tuple(t.tickers or ()), entities=tuple(t.entities or ()),
            event_type=t.event_type, stance=t.stance, confidence=t.confidence,
            rationale=t.rationale, impact_score=t.impact_score, model_version=t.model_version,
            tagged_at=t.tagged_at,
        )
    return out


def _view(row: EventRow, tag: TagView | None) -> EventView:
    return EventView(
        id=row.id, source=row.source, source_url=row.source_url, artifact_url=row.artifact_url,
        title=row.title, normalized_content=row.normalized_content, language=row.language,
        priority=row.priority, event_type=row.event_type, symbols=tuple(row.symbols or ()),
        event_timestamp=row.event_timestamp, ingested_at=row.ingested_at,
        processed_at=row.processed_at, status=row.processing_status,
        failure_reason=row.failure_reason, duplicate_of=row.duplicate_of,
        embedding_model=row.embedding_model, features=row.features, tag=tag,
    )


def forward_return_pct(
    session: Session, symbol: str, event_ts: datetime, days: int = 5, interval: str = "1d",
) -> float | None:
    """Close-to-close move over `days` sessions from the last close the event could not affect.

    Base = the close of the session before the event (or the event's own session when it came
    after the 15:30 IST close); end = the close `days` sessions later. None without enough bars.
    """
    ts_ist = ensure_utc(event_ts).astimezone(IST)
    after_close = ts_ist.time() >= _NSE_CLOSE_IST
    last_base_day = ts_ist.date() if after_close else ts_ist.date() - timedelta(1)
    utc = ensure_utc(event_ts)
    window = (utc - timedelta(days=20), utc + timedelta(days=days * 3 + 20))
    stmt = (
        select(BarRow.ts, BarRow.close)
        .where(BarRow.symbol == symbol, BarRow.interval == interval,
               BarRow.ts >= window[0], BarRow.ts <= window[1])
        .order_by(BarRow.ts)
    )
    bars = [(ts.astimezone(IST).date(), float(c)) for ts, c in session.execute(stmt)]
    base_idx = max((i for i, (d, _) in enumerate(bars) if d <= last_base_day), default=None)
    if base_idx is None or base_idx + days >= len(bars) or bars[base_idx][1] <= 0:
        return None
    return (bars[base_idx + days][1] / bars[base_idx][1] - 1.0) * 100.0
