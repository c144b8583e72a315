"""Own the research side of the schema: events, their tags, signals, meta-labels, playbooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base
from store.types import Embedding, JSONType, UTCDateTime


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("source", "source_url", "event_timestamp"),
        Index("ix_events_status_priority", "processing_status", "priority"),
        Index("ix_events_source_url", "source_url", postgresql_using="hash"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str | None] = mapped_column(String(100))
    source_url: Mapped[str | None] = mapped_column(Text)
    artifact_url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    raw_content: Mapped[str | None] = mapped_column(Text)
    normalized_content: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(10))
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    event_type: Mapped[str | None] = mapped_column(String(50))
    priority: Mapped[str | None] = mapped_column(String(20))
    symbols: Mapped[list[str] | None] = mapped_column(JSONType)
    sector: Mapped[str | None] = mapped_column(String(50))
    event_timestamp: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    ingested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    features: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    processing_status: Mapped[str | None] = mapped_column(String(20))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    embedding: Mapped[np.ndarray[Any, Any] | None] = mapped_column(Embedding)
    embedding_model: Mapped[str | None] = mapped_column(String(80))


class EventTagRow(Base):
    __tablename__ = "event_tags"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    entities: Mapped[list[Any] | None] = mapped_column(JSONType)
    tickers: Mapped[list[str] | None] = mapped_column(JSONType)
    event_type: Mapped[str | None] = mapped_column(String(50))
    stance: Mapped[str | None] = mapped_column(String(20))
    confidence: Mapped[float | None] = mapped_column(Float)
    rationale: Mapped[str | None] = mapped_column(Text)
    impact_score: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str | None] = mapped_column(String(50))
    tagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignalRow(Base):
    __tablename__ = "signals"
    __table_args__ = (Index("ix_signals_status_generated", "status", "generated_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    symbol: Mapped[str] = mapped_column(String(30))
    exchange: Mapped[str | None] = mapped_column(String(10))
    strategy: Mapped[str | None] = mapped_column(String(50))
    direction: Mapped[str | None] = mapped_column(String(10))
    edge: Mapped[float | None] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float)
    horizon_days: Mapped[int | None] = mapped_column(Integer)
    tp_probability: Mapped[float | None] = mapped_column(Float)
    sl_probability: Mapped[float | None] = mapped_column(Float)
    quality_score: Mapped[float | None] = mapped_column(Float)
    regime_compatible: Mapped[bool | None] = mapped_column(Boolean)
    thesis_bullets: Mapped[list[str] | None] = mapped_column(JSONType)
    model_version: Mapped[str | None] = mapped_column(String(50))
    feature_snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("features.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str | None] = mapped_column(String(20))


class MetaLabelRow(Base):
    __tablename__ = "meta_labels"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id"), index=True)
    is_trustworthy: Mapped[bool | None] = mapped_column(Boolean)
    quality_score: Mapped[float | None] = mapped_column(Float)
    regime_score: Mapped[float | None] = mapped_column(Float)
    liquidity_score: Mapped[float | None] = mapped_column(Float)
    crowding_score: Mapped[float | None] = mapped_column(Float)
    timing_score: Mapped[float | None] = mapped_column(Float)
    rationale: Mapped[str | None] = mapped_column(Text)
    model_version: Mapped[str | None] = mapped_column(String(50))
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PlaybookRow(Base):
    __tablename__ = "playbooks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    event_type: Mapped[str] = mapped_column(String(50))
    regime_match: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    priority_boost: Mapped[float | None] = mapped_column(Float)
    tranche_plan: Mapped[list[Any] | None] = mapped_column(JSONType)
    acceptable_gap_chase_percent: Mapped[float | None] = mapped_column(Float)
    sl_multiplier_override: Mapped[float | None] = mapped_column(Float)
    tp_multiplier_override: Mapped[float | None] = mapped_column(Float)
    pause_smallcap: Mapped[bool | None] = mapped_column(Boolean)
    pause_duration_hours: Mapped[int | None] = mapped_column(Integer)
    rotate_exposure_sectors: Mapped[list[str] | None] = mapped_column(JSONType)
    stance: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
