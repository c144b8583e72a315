"""Live signal path on SQLite and Postgres: a saved artefact is loaded (never trained here),
signals + meta-labels + audit rows are written, candidates carry real evidence links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from core.clock import FakeClock
from core.enums import AuditCategory, Priority, Stance, Strategy
from store.audit import AuditLog
from store.models import AuditLogRow, MetaLabelRow, SignalRow
from store.repos.events import insert_event, save_tag
from store.repos.features import write_features
from store.repos.signals import get_signal, list_signals
from tests.unit.backtest.synth import synthetic_bars
from tools.backtest.runner import BacktestConfig
from tools.features.build import build_features
from tools.signals.artefacts import (
    artefact_exists,
    load_artefact,
    save_artefact,
    train_artefact,
)
from tools.signals.generate import candidates_for_event, generate_candidates


@dataclass
class Trained:
    bars: pd.DataFrame
    root: Path


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    bars = synthetic_bars(12, 700, persistence=0.5, seed=3)
    cfg = BacktestConfig(min_primary_rows=300, min_selected=20)
    art = train_artefact(bars, FakeClock(datetime(2025, 1, 1, tzinfo=UTC)), cfg)
    root = tmp_path_factory.mktemp("models")
    save_artefact(art, root)
    return Trained(bars, root)


def _store_features(db, clock, bars: pd.DataFrame) -> datetime:
    feats = build_features(bars)
    last = feats[feats["ts"] >= feats["ts"].max() - pd.Timedelta(days=10)]
    with db.sessions.begin() as s:
        write_features(s, last, clock)
    return last["timestamp"].max().to_pydatetime() + timedelta(minutes=5)


def test_artefact_round_trip_predicts_identically(trained: Trained) -> None:
    assert artefact_exists(trained.root)
    assert not artefact_exists(trained.root / "missing")
    art = load_artefact(trained.root)
    again = load_artefact(art.path)
    feats = build_features(trained.bars.tail(3000))
    from tools.signals.dataset import research_frame

    frame = research_frame(feats, trained.bars)
    a, b = art.primary.predict(frame), again.primary.predict(frame)
    np.testing.assert_allclose(a["p_tp"], b["p_tp"])
    assert art.version.startswith("lgbm-")
    assert art.manifest()["training_window"]["to"] == art.trained_to
    assert 0.0 < art.meta.threshold < 1.0


def test_generate_candidates_writes_signals_meta_and_audit(db, clock, trained: Trained) -> None:
    art = load_artefact(trained.root)
    as_of = _store_features(db, clock, trained.bars)
    clock = FakeClock(as_of)
    with db.sessions.begin() as s:
        cands = generate_candidates(s, clock, art, as_of)
    assert cands, "synthetic trending universe should produce at least one signal"
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SignalRow)) == len(cands)
        assert s.scalar(select(func.count()).select_from(MetaLabelRow)) == len(cands)
        audits = s.scalar(
            select(func.count())
            .select_from(AuditLogRow)
            .where(AuditLogRow.action_category == AuditCategory.SIGNAL.value)
        )
        assert audits == len(cands)
        stored = get_signal(s, cands[0].signal_id)
        assert stored.meta is not None
        assert stored.model_version == art.version
        assert list_signals(s, limit=500)[0].status == "ACTIVE"
    c = cands[0]
    assert c.expires_at > c.generated_at
    assert c.thesis_bullets
    assert any(e.url == f"/audit/signal/{c.signal_id}" for e in c.evidence)
    assert any(e.url == f"/features/{c.feature_snapshot_id}" for e in c.evidence)
    assert {x.strategy for x in cands} <= {str(s) for s in Strategy}
    # Scoring a subset gives the same scores: context is computed over the whole universe.
    pick = sorted({x.symbol for x in cands})[:2]
    with db.sessions.begin() as s:
        sub = generate_candidates(s, clock, art, as_of, symbols=pick)
    full = {(x.symbol, x.strategy): x.quality_score for x in cands if x.symbol in pick}
    assert {(x.symbol, x.strategy): x.quality_score for x in sub} == pytest.approx(full)


def test_event_hot_path(db, clock, trained: Trained) -> None:
    art = load_artefact(trained.root)
    as_of = _store_features(db, clock, trained.bars)
    clock = FakeClock(as_of)

    @dataclass
    class Tag:
        tickers: tuple[str, ...] = ("SYM01",)
        entities: tuple[str, ...] = ()
        event_type: str = "BUYBACK"
        stance: str = Stance.BULLISH.value
        confidence: float = 0.9
        rationale: str = "board approves buyback at a premium"
        impact_score: float = 0.7
        model_version: str = "test-tagger"

    with db.sessions.begin() as s:
        event_id, _ = insert_event(
            s,
            source="NSE_FILING",
            title="SYM01 buyback",
            event_timestamp=as_of,
            ingested_at=as_of,
            source_url="https://www.nseindia.com/x/sym01-buyback.pdf",
            priority=Priority.HIGH,
            symbols=["SYM01"],
        )
        save_tag(s, event_id, Tag(), tagged_at=as_of)
        AuditLog(clock).append(s, "test.setup", {}, category=AuditCategory.SYSTEM)
    with db.sessions.begin() as s:
        cands = candidates_for_event(s, clock, art, event_id)
    assert len(cands) == 1
    c = cands[0]
    assert c.strategy == Strategy.EVENT_DRIVEN
    assert c.event_id == event_id
    assert c.event_type == "BUYBACK"
    assert c.evidence[0].url == "https://www.nseindia.com/x/sym01-buyback.pdf"
