"""Own the signals and meta_labels tables: insert, list, read one, expire."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.clock import ensure_utc
from core.enums import SignalStatus
from core.errors import NotFound, ValidationError
from store.models import MetaLabelRow, SignalRow


@dataclass(frozen=True, slots=True)
class NewSignal:
    """What the signal stage writes for one primary signal."""

    symbol: str
    exchange: str
    strategy: str
    direction: str
    edge: float
    confidence: float
    horizon_days: int
    tp_probability: float
    sl_probability: float
    regime_compatible: bool
    thesis_bullets: Sequence[str]
    model_version: str
    generated_at: datetime
    expires_at: datetime
    feature_snapshot_id: int | None = None
    event_id: int | None = None


@dataclass(frozen=True, slots=True)
class NewMetaLabel:
    is_trustworthy: bool
    quality_score: float
    regime_score: float
    liquidity_score: float
    crowding_score: float
    timing_score: float
    rationale: str
    model_version: str
    computed_at: datetime


@dataclass(frozen=True, slots=True)
class MetaLabelView:
    id: int
    is_trustworthy: bool | None
    quality_score: float | None
    regime_score: float | None
    liquidity_score: float | None
    crowding_score: float | None
    timing_score: float | None
    rationale: str | None
    model_version: str | None


@dataclass(frozen=True, slots=True)
class SignalView:
    """One stored signal with its latest meta-label (None when not assessed)."""

    id: int
    symbol: str
    exchange: str | None
    strategy: str | None
    direction: str | None
    edge: float | None
    confidence: float | None
    horizon_days: int | None
    tp_probability: float | None
    sl_probability: float | None
    quality_score: float | None
    regime_compatible: bool | None
    thesis_bullets: tuple[str, ...]
    model_version: str | None
    feature_snapshot_id: int | None
    event_id: int | None
    generated_at: datetime | None
    expires_at: datetime | None
    status: str | None
    meta: MetaLabelView | None


def insert_signal(session: Session, sig: NewSignal, meta: NewMetaLabel | None = None) -> SignalView:
    """Insert one ACTIVE signal (and its meta-label); probabilities must lie in 0..1."""
    for name in ("confidence", "tp_probability", "sl_probability"):
        value = getattr(sig, name)
        if not 0.0 <= value <= 1.0:
            raise ValidationError(f"{value} is not a probability", field=name)
    if sig.expires_at <= sig.generated_at:
        raise ValidationError("signal expires before it is generated", field="expires_at")
    row = SignalRow(
        symbol=sig.symbol,
        exchange=sig.exchange,
        strategy=sig.strategy,
        direction=sig.direction,
        edge=sig.edge,
        confidence=sig.confidence,
        horizon_days=sig.horizon_days,
        tp_probability=sig.tp_probability,
        sl_probability=sig.sl_probability,
        quality_score=meta.quality_score if meta else None,
        regime_compatible=sig.regime_compatible,
        thesis_bullets=list(sig.thesis_bullets),
        model_version=sig.model_version,
        feature_snapshot_id=sig.feature_snapshot_id,
        event_id=sig.event_id,
        generated_at=ensure_utc(sig.generated_at),
        expires_at=ensure_utc(sig.expires_at),
        status=SignalStatus.ACTIVE.value,
    )
    session.add(row)
    session.flush()
    if meta is not None:
        session.add(
            MetaLabelRow(
                signal_id=row.id, **{f: getattr(meta, f) for f in NewMetaLabel.__dataclass_fields__}
            )
        )
        session.flush()
    return get_signal(session, row.id)


def get_signal(session: Session, signal_id: int) -> SignalView:
    row = session.get(SignalRow, signal_id)
    if row is None:
        raise NotFound(f"signal {signal_id} not found")
    return _view(row, _latest_meta(session, [row.id]).get(row.id))


def list_signals(
    session: Session,
    *,
    status: str | None = None,
    symbol: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
) -> list[SignalView]:
    """Newest first, optionally filtered by status, symbol and generation time."""
    stmt = select(SignalRow)
    if status is not None:
        stmt = stmt.where(SignalRow.status == status)
    if symbol is not None:
        stmt = stmt.where(SignalRow.symbol == symbol.upper())
    if since is not None:
        stmt = stmt.where(SignalRow.generated_at >= ensure_utc(since))
    rows = list(
        session.scalars(
            stmt.order_by(SignalRow.generated_at.desc(), SignalRow.id.desc()).limit(limit)
        )
    )
    metas = _latest_meta(session, [r.id for r in rows])
    return [_view(r, metas.get(r.id)) for r in rows]


def expire_signals(session: Session, now: datetime) -> int:
    """Mark ACTIVE signals past their expiry EXPIRED; return how many changed."""
    result = session.execute(
        update(SignalRow)
        .where(
            SignalRow.status == SignalStatus.ACTIVE.value, SignalRow.expires_at <= ensure_utc(now)
        )
        .values(status=SignalStatus.EXPIRED.value)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _latest_meta(session: Session, ids: Sequence[int]) -> dict[int, MetaLabelView]:
    if not ids:
        return {}
    rows = session.scalars(
        select(MetaLabelRow).where(MetaLabelRow.signal_id.in_(list(ids))).order_by(MetaLabelRow.id)
    )
    return {
        r.signal_id: MetaLabelView(
            id=r.id,
            is_trustworthy=r.is_trustworthy,
            quality_score=r.quality_score,
            regime_score=r.regime_score,
            liquidity_score=r.liquidity_score,
            crowding_score=r.crowding_score,
            timing_score=r.timing_score,
            rationale=r.rationale,
            model_version=r.model_version,
        )
        for r in rows
    }


def _view(row: SignalRow, meta: MetaLabelView | None) -> SignalView:
    return SignalView(
        id=row.id,
        symbol=row.symbol,
        exchange=row.exchange,
        strategy=row.strategy,
        direction=row.direction,
        edge=row.edge,
        confidence=row.confidence,
        horizon_days=row.horizon_days,
        tp_probability=row.tp_probability,
        sl_probability=row.sl_probability,
        quality_score=row.quality_score,
        regime_compatible=row.regime_compatible,
        thesis_bullets=tuple(row.thesis_bullets or ()),
        model_version=row.model_version,
        feature_snapshot_id=row.feature_snapshot_id,
        event_id=row.event_id,
        generated_at=row.generated_at,
        expires_at=row.expires_at,
        status=row.status,
        meta=meta,
    )
