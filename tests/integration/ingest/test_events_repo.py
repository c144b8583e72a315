"""The events repository on SQLite and Postgres: dedup, queue order, tags, vectors, similarity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from core.clock import IST
from core.enums import Priority, ProcessingStatus
from core.errors import NotFound, ValidationError
from store.db import transaction
from store.models import BarRow
from store.repos import events as repo
from tools.nlp.embedder import HashingEmbedder

T0 = datetime(2025, 12, 16, 4, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Tag:
    tickers: tuple[str, ...] = ("TCS",)
    entities: tuple[str, ...] = ("Tata Consultancy Services",)
    event_type: str = "BUYBACK"
    stance: str = "BULLISH"
    confidence: float = 0.8
    rationale: str = "Board approves buyback."
    impact_score: float = 0.7
    model_version: str = "test-v1"


def _insert(s, title, url=None, ts=T0, **kw):
    return repo.insert_event(s, source="RSS", title=title, source_url=url, event_timestamp=ts,
                             ingested_at=ts, **kw)


def test_insert_dedups_by_url_and_hash(db):
    with transaction(db.sessions) as s:
        a, new_a = _insert(s, "A", "https://x.in/a", content_hash="h1")
        b, new_b = _insert(s, "A again", "https://x.in/a", content_hash="h2")
        c, new_c = _insert(s, "A elsewhere", "https://y.in/a", content_hash="h1")
        d, new_d = _insert(s, "D", "https://x.in/d", content_hash="h3", duplicate_of=a)
    assert (new_a, new_b, new_c, new_d) == (True, False, False, True)
    assert a == b == c
    assert d != a
    with db.sessions() as s:
        assert repo.get_event(s, d).duplicate_of == a


def test_next_pending_orders_by_priority_then_time(db):
    with transaction(db.sessions) as s:
        low_old, _ = _insert(s, "low old", "u1", ts=T0, priority=Priority.LOW)
        high_new, _ = _insert(s, "high new", "u2", ts=T0 + timedelta(hours=1),
                              priority=Priority.HIGH)
        high_old, _ = _insert(s, "high old", "u3", ts=T0, priority=Priority.HIGH)
        med, _ = _insert(s, "medium", "u4", ts=T0, priority=Priority.MEDIUM)
        done, _ = _insert(s, "done", "u5", status=ProcessingStatus.PROCESSED)
    with db.sessions() as s:
        ids = [e.id for e in repo.next_pending(s, 10, lock=True)]
    assert ids == [high_old, high_new, med, low_old]
    assert done not in ids


def test_mark_failed_and_processed_with_tag(db):
    with transaction(db.sessions) as s:
        eid, _ = _insert(s, "TCS buyback", "u1")
        bad, _ = _insert(s, "broken", "u2")
        repo.mark_failed(s, bad, "x" * 5000, T0)
        repo.save_tag(s, eid, Tag(stance="NEUTRAL"), T0)
        repo.save_tag(s, eid, Tag(), T0 + timedelta(seconds=1))
        repo.mark_processed(s, eid, T0, symbols=["TCS"], event_type="BUYBACK")
    with db.sessions() as s:
        ev = repo.get_event(s, eid)
        failed = repo.get_event(s, bad)
        assert repo.count_by_status(s) == {"PROCESSED": 1, "FAILED": 1}
        with pytest.raises(NotFound):
            repo.get_event(s, 99999)
    assert ev.status == "PROCESSED"
    assert ev.symbols == ("TCS",)
    assert ev.tag is not None
    assert ev.tag.stance == "BULLISH"
    assert failed.status == "FAILED"
    assert len(failed.failure_reason) == repo.MAX_REASON_CHARS


def test_set_embedding_rejects_wrong_shape(db):
    with transaction(db.sessions) as s:
        eid, _ = _insert(s, "x", "u1")
        with pytest.raises(ValidationError, match="embedding"):
            repo.set_embedding(s, eid, np.ones(10), "m")
        with pytest.raises(ValidationError, match="embedding"):
            repo.set_embedding(s, eid, np.zeros(384), "m")


def _bars(s, symbol, start_day, closes):
    for i, close in enumerate(closes):
        ts = datetime.combine(start_day + timedelta(days=i), datetime.min.time(), IST)
        s.add(BarRow(symbol=symbol, exchange="NSE", interval="1d", ts=ts, open=close,
                     high=close, low=close, close=close, volume=1000, source="CSV"))


def test_similar_events_filters_and_returns(db):
    emb = HashingEmbedder()
    texts = {
        "TCS board approves share buyback at premium": ("TCS", "BUYBACK", T0),
        "Infosys board approves buyback of shares": ("INFY", "BUYBACK", T0 + timedelta(days=1)),
        "RBI keeps repo rate unchanged in policy review": (None, "POLICY", T0),
        "Wipro wins large order from European bank": ("WIPRO", "ORDER_WIN", T0),
    }
    with transaction(db.sessions) as s:
        ids = {}
        for i, (text, (sym, etype, ts)) in enumerate(texts.items()):
            eid, _ = _insert(s, text, f"u{i}", ts=ts, symbols=[sym] if sym else [])
            repo.mark_processed(s, eid, ts, event_type=etype)
            repo.set_embedding(s, eid, emb.embed([text])[0], emb.model_version)
            ids[text] = eid
        # an event at 09:30 IST on 16 Dec: base = close of 15 Dec, end = 5 sessions later
        _bars(s, "TCS", datetime(2025, 12, 13).date(), [90, 95, 100, 101, 102, 103, 104, 110])
    q = emb.embed(["board approves share buyback"])[0]
    with db.sessions() as s:
        top = repo.similar_events(s, q, k=2)
        only_tcs = repo.similar_events(s, q, k=5, symbol="TCS")
        typed = repo.similar_events(s, q, k=5, event_type="POLICY")
        dated = repo.similar_events(s, q, k=5, start=T0 + timedelta(hours=12))
    assert {e.event_type for e in top} == {"BUYBACK"}
    assert [e.id for e in only_tcs] == [ids["TCS board approves share buyback at premium"]]
    assert only_tcs[0].return_5d_pct == pytest.approx(10.0)  # 100 -> 110
    assert top[0].similarity >= top[1].similarity
    assert [e.event_type for e in typed] == ["POLICY"]
    assert typed[0].return_5d_pct is None
    assert [e.symbols for e in dated] == [("INFY",)]
    assert dated[0].return_5d_pct is None  # no bars for INFY


def test_forward_return_after_close_uses_same_day(db):
    with transaction(db.sessions) as s:
        _bars(s, "SBIN", datetime(2025, 12, 15).date(), [100, 200, 201, 202, 203, 204, 220])
    after_close = datetime(2025, 12, 15, 16, 0, tzinfo=IST)
    with db.sessions() as s:
        assert repo.forward_return_pct(s, "SBIN", after_close) == pytest.approx(104.0)
        assert repo.forward_return_pct(s, "SBIN", after_close, days=10) is None


def test_similar_by_text_or_event(db):
    from tools.nlp.similar import similar_events

    emb = HashingEmbedder()
    with transaction(db.sessions) as s:
        ids = []
        for i, text in enumerate(["TCS approves share buyback", "Infosys approves share buyback",
                                  "RBI keeps repo rate unchanged"]):
            eid, _ = _insert(s, text, f"u{i}")
            repo.set_embedding(s, eid, emb.embed([text])[0], emb.model_version)
            ids.append(eid)
    with db.sessions() as s:
        by_text = similar_events(s, emb, text="share buyback approved", k=2)
        by_event = similar_events(s, emb, event_id=ids[0], k=1)
        with pytest.raises(ValidationError, match="exactly one"):
            similar_events(s, emb, k=1)
    assert {e.id for e in by_text} == set(ids[:2])
    assert [e.id for e in by_event] == [ids[1]]  # itself left out
