"""Own the live signal path: point-in-time features → rule, ML and event-driven signals → meta-label
→ `signals` + `meta_labels` rows (audited) → `Candidate`s for the allocator. Loads a trained
artefact; never trains.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from core.clock import Clock, ensure_utc, to_ist
from core.enums import AuditCategory, Direction, Strategy
from core.pipeline import Candidate, EvidenceLink
from store.audit import AuditLog
from store.repos.events import EventView, get_event
from store.repos.features import features_as_of
from store.repos.market import get_instrument
from store.repos.signals import NewMetaLabel, NewSignal, SignalView, insert_signal
from tools.market.calendar import NseCalendar
from tools.signals.artefacts import Artefact
from tools.signals.dataset import add_context
from tools.signals.meta import meta_frame, rationale
from tools.signals.rules import event_direction, event_driven_ok, rule_signals, thesis

STALE_AFTER = timedelta(days=5)


def live_frame(session: Session, as_of: datetime, symbols: list[str] | None = None) -> pd.DataFrame:
    """Latest stored feature row per symbol at `as_of` (rows older than the newest by more than
    STALE_AFTER, or without a usable ATR/close, are dropped), with the research context columns."""
    f = features_as_of(session, ensure_utc(as_of), symbols)
    if f.empty:
        return f
    fresh = f["timestamp"] >= f["timestamp"].max() - STALE_AFTER
    sizable = (f["atr_14d"] > 0) & (f["close"] > 0)  # NaN compares False: unknown ATR is out
    f = f[fresh & sizable].copy()
    f["ts"] = f["timestamp"]
    return add_context(f.reset_index(drop=True))


def generate_candidates(
    session: Session,
    clock: Clock,
    artefact: Artefact,
    as_of: datetime,
    symbols: list[str] | None = None,
    event_id: int | None = None,
) -> list[Candidate]:
    """Score the universe (or `symbols`) at `as_of`; write and return every signal found.

    With `event_id`, only event-driven signals for the event's tagged tickers are produced.
    The whole stored universe is always loaded: breadth, ranks and crowding are cross-sectional
    and must be computed as in training, then the signals are restricted to `symbols`.
    """
    event = get_event(session, event_id) if event_id is not None else None
    if event is not None:
        symbols = list(event.tag.tickers) if event.tag else []
        if not symbols:
            return []
    frame = live_frame(session, as_of)
    if frame.empty:
        return []
    pred = artefact.primary.predict(frame).reset_index(drop=True)
    if event is not None:
        sig = _event_signals(frame, event, artefact, {x.upper() for x in symbols or ()})
    else:
        sig = _bar_signals(frame, pred, artefact)
    if sig.empty:
        return []
    sig = _score(sig, pred)
    assessed = artefact.meta.assess(meta_frame(frame, sig))  # crowding counts every signal
    if symbols is not None:
        wanted = {x.upper() for x in symbols}
        keep = frame["symbol"].iloc[sig["row"].to_numpy(dtype=int)].isin(wanted).to_numpy()
        sig, assessed = sig[keep], assessed[keep]
    sig_recs = cast(list[dict[str, Any]], sig.to_dict("records"))
    meta_recs = cast(list[dict[str, Any]], assessed.to_dict("records"))
    return [
        _persist(session, clock, artefact, frame, s, a, event)
        for s, a in zip(sig_recs, meta_recs, strict=True)
    ]


def candidates_for_event(
    session: Session, clock: Clock, artefact: Artefact, event_id: int
) -> list[Candidate]:
    """Hot path: event-driven candidates for one tagged event, as of now."""
    return generate_candidates(session, clock, artefact, clock.now(), event_id=event_id)


def _bar_signals(frame: pd.DataFrame, pred: pd.DataFrame, art: Artefact) -> pd.DataFrame:
    rules = rule_signals(frame, art.rules)
    rules = rules[rules["direction"] == 1]  # long-only: the primary model has no short side
    ml_rows = np.flatnonzero((pred["edge_pct"] > max(art.ml_edge_cut_pct, 0.0)).to_numpy())
    ml = pd.DataFrame({"row": ml_rows, "strategy": str(Strategy.ML), "direction": 1})
    return pd.concat([rules, ml], ignore_index=True)


def _event_signals(
    frame: pd.DataFrame, event: EventView, art: Artefact, tickers: set[str]
) -> pd.DataFrame:
    """One event-driven signal per tagged ticker whose gap has not run too far already."""
    tag = event.tag
    direction = event_direction(tag.stance, tag.confidence, art.rules) if tag else None
    rows = []
    for i, rec in enumerate(frame[["symbol", "gap_percent"]].to_dict("records")):
        if rec["symbol"] not in tickers or direction is None:
            continue
        if event_driven_ok(direction, rec["gap_percent"], art.rules):
            rows.append(
                {
                    "row": i,
                    "strategy": str(Strategy.EVENT_DRIVEN),
                    "direction": 1 if direction == Direction.LONG else -1,
                }
            )
    return pd.DataFrame(rows, columns=["row", "strategy", "direction"])


def _score(sig: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """Attach primary probabilities; a short reads the long model mirrored (P(long SL first)
    as its P(TP first)), which docs/signals.md states as an approximation."""
    p = pred.iloc[sig["row"].to_numpy()].reset_index(drop=True)
    short = sig["direction"].to_numpy() < 0
    out = sig.reset_index(drop=True).copy()
    out["p_tp"] = np.where(short, p["p_sl"], p["p_tp"])
    out["p_sl"] = np.where(short, p["p_tp"], p["p_sl"])
    out["edge_pct"] = np.where(short, -p["edge_pct"], p["edge_pct"])
    return out


def _expiry(as_of: datetime) -> datetime:
    """Valid until the close of the next trading session."""
    cal = NseCalendar()
    return cal.session_close(cal.next_session(to_ist(as_of).date()))


def _persist(
    session: Session,
    clock: Clock,
    art: Artefact,
    frame: pd.DataFrame,
    s: dict[str, Any],
    a: dict[str, Any],
    event: EventView | None,
) -> Candidate:
    """Write one signal + meta-label, audit it, and hand it out as a Candidate."""
    row = frame.iloc[int(s["row"])]
    now = clock.now()
    bullets = _bullets(s, row, art, event)
    view = insert_signal(
        session, _new_signal(s, a, row, art, bullets, now, event), _new_meta(a, art, now)
    )
    evidence = _evidence(view, event)
    AuditLog(clock, service_name="signals").append(
        session,
        "signal.generated",
        {
            "symbol": view.symbol,
            "strategy": view.strategy,
            "direction": view.direction,
            "edge_pct": view.edge,
            "tp_probability": view.tp_probability,
            "quality_score": view.quality_score,
            "is_trustworthy": bool(a["is_trustworthy"]),
            "threshold": art.meta.threshold,
            "thesis": bullets,
        },
        category=AuditCategory.SIGNAL,
        signal_id=view.id,
        event_id=view.event_id,
        model_version=art.version,
        artifact_links=[e.url for e in evidence],
    )
    return _candidate(session, view, row, a, event, evidence)


def _new_signal(
    s: dict[str, Any],
    a: dict[str, Any],
    row: pd.Series,
    art: Artefact,
    bullets: list[str],
    now: datetime,
    event: EventView | None,
) -> NewSignal:
    direction = Direction.LONG if s["direction"] > 0 else Direction.SHORT
    return NewSignal(
        symbol=str(row["symbol"]),
        exchange=str(row["exchange"] or "NSE"),
        strategy=str(s["strategy"]),
        direction=str(direction),
        edge=float(s["edge_pct"]),
        confidence=float(s["p_tp"]),
        horizon_days=art.barrier.horizon_days,
        tp_probability=float(s["p_tp"]),
        sl_probability=float(s["p_sl"]),
        regime_compatible=bool(a["regime_score"] >= 0.5),
        thesis_bullets=bullets,
        model_version=art.version,
        generated_at=now,
        expires_at=max(_expiry(now), now + timedelta(hours=1)),
        feature_snapshot_id=int(row["id"]),
        event_id=event.id if event else None,
    )


def _new_meta(a: dict[str, Any], art: Artefact, now: datetime) -> NewMetaLabel:
    return NewMetaLabel(
        is_trustworthy=bool(a["is_trustworthy"]),
        quality_score=float(a["quality_score"]),
        regime_score=float(a["regime_score"]),
        liquidity_score=float(a["liquidity_score"]),
        crowding_score=float(a["crowding_score"]),
        timing_score=float(a["timing_score"]),
        rationale=rationale(pd.Series(a), art.meta.threshold),
        model_version=art.version,
        computed_at=now,
    )


def _bullets(
    s: dict[str, Any], row: pd.Series, art: Artefact, event: EventView | None
) -> list[str]:
    if s["strategy"] == Strategy.ML:
        return art.primary.drivers(row.to_frame().T)
    if event is not None and event.tag is not None:
        return [
            f"{event.tag.event_type or event.event_type}: {event.title or ''}".strip(),
            f"tag {event.tag.stance} (confidence {event.tag.confidence or 0:.2f}): "
            f"{event.tag.rationale or ''}".strip(),
            f"gap so far {float(row['gap_percent']):+.1f}%, ATR {row['atr_percent']:.1f}%",
        ]
    return thesis(str(s["strategy"]), int(s["direction"]), {str(k): v for k, v in row.items()})


def _evidence(view: SignalView, event: EventView | None) -> tuple[EvidenceLink, ...]:
    links = []
    if event is not None:
        url = event.source_url or event.artifact_url
        if url:
            links.append(EvidenceLink("event", url, event.title or ""))
        if event.artifact_url and event.artifact_url != url:
            links.append(EvidenceLink("filing", event.artifact_url, event.title or ""))
    links.append(EvidenceLink("signal", f"/audit/signal/{view.id}", f"signal {view.id}"))
    if view.feature_snapshot_id is not None:
        links.append(
            EvidenceLink(
                "feature", f"/features/{view.feature_snapshot_id}", f"features of {view.symbol}"
            )
        )
    return tuple(links)


def _candidate(
    session: Session,
    view: SignalView,
    row: pd.Series,
    a: dict[str, Any],
    event: EventView | None,
    evidence: tuple[EvidenceLink, ...],
) -> Candidate:
    inst = get_instrument(session, view.symbol, view.exchange or "NSE")
    tag = event.tag if event else None
    return Candidate(
        signal_id=view.id,
        symbol=view.symbol,
        exchange=view.exchange or "NSE",
        direction=Direction(str(view.direction)),
        strategy=view.strategy or "",
        edge_pct=float(view.edge or 0.0),
        tp_probability=float(view.tp_probability or 0.0),
        sl_probability=float(view.sl_probability or 0.0),
        quality_score=float(a["quality_score"]),
        is_trustworthy=bool(a["is_trustworthy"]),
        horizon_days=int(view.horizon_days or 0),
        ref_price=Decimal(str(row["close"])),
        atr=float(row["atr_14d"]),
        volatility_pct=float(row["realized_vol_20d"]),
        adv_inr=float(row["adv_20d_inr"]),
        sector=inst.sector if inst else None,
        generated_at=view.generated_at or ensure_utc(row["timestamp"]),
        expires_at=view.expires_at or ensure_utc(row["timestamp"]),
        meta_label_id=view.meta.id if view.meta else None,
        regime_label=_text(row.get("regime_label")),
        liquidity_regime=_text(row.get("liquidity_regime")),
        rsi_14=_num(row.get("rsi_14")),
        event_id=view.event_id,
        event_type=(tag.event_type if tag else None),
        stance=(tag.stance if tag else None),
        event_timestamp=event.event_timestamp if event else None,
        feature_snapshot_id=view.feature_snapshot_id,
        thesis_bullets=view.thesis_bullets,
        evidence=evidence,
        model_version=view.model_version or "",
    )


def _text(v: Any) -> str | None:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def _num(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)
