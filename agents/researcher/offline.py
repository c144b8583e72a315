"""Own the offline twin of the researcher: a deterministic summary of an evidence pack."""

from __future__ import annotations

from typing import Any

from agents.researcher.schema import EvidencePack, Link

MODEL_VERSION = "researcher-offline-v1"


def links_of(pack: EvidencePack) -> list[Link]:
    """Collect a link for the event, each similar event and each signal, without duplicates."""
    seen: dict[str, Link] = {}
    ev = pack.event or {}
    for url in (ev.get("artifact_url"), ev.get("source_url")):
        if url:
            seen.setdefault(url, Link(kind="event", url=url, title=str(ev.get("title") or "")))
    for s in pack.similar:
        if s.get("source_url"):
            seen.setdefault(
                s["source_url"],
                Link(kind="similar_event", url=s["source_url"], title=str(s.get("title") or "")),
            )
    for sig in pack.signals:
        if sig.get("id") is not None:
            url = f"desk://signals/{sig['id']}"
            seen.setdefault(url, Link(kind="signal", url=url, title=str(sig.get("strategy", ""))))
    if pack.features and pack.symbol:
        url = f"desk://features/{pack.symbol}"
        seen.setdefault(url, Link(kind="feature", url=url, title=f"{pack.symbol} features"))
    return list(seen.values())


def _similar_sentence(similar: list[dict[str, Any]]) -> str:
    moves = [s["return_5d_pct"] for s in similar if s.get("return_5d_pct") is not None]
    if not similar:
        return "No similar past events were found."
    if not moves:
        return f"{len(similar)} similar past events were found, without price follow-through data."
    avg = sum(moves) / len(moves)
    ups = sum(1 for m in moves if m > 0)
    return (
        f"{len(similar)} similar past events: the stock rose in {ups} of {len(moves)} cases "
        f"over 5 days, {avg:+.1f}% on average."
    )


def summarise(pack: EvidencePack) -> str:
    """Write a short, factual paragraph from the pack (same input, same words)."""
    parts = []
    ev = pack.event or {}
    tag = ev.get("tag") or {}
    if ev:
        stance = f", read as {tag['stance'].lower()}" if tag.get("stance") else ""
        parts.append(
            f"Event: {ev.get('title') or 'untitled'} ({ev.get('event_type') or 'OTHER'}{stance})."
        )
    f = pack.features or {}
    if f:
        bits = [
            f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
            for k, v in f.items()
            if k in ("rsi_14", "atr_percent", "momentum_20d", "regime_label") and v is not None
        ]
        if bits:
            parts.append("Features: " + ", ".join(bits) + ".")
    if pack.signals:
        s = pack.signals[0]
        parts.append(
            f"{len(pack.signals)} active signal(s); latest {s.get('direction', '?')} "
            f"{s.get('strategy', '')} edge {s.get('edge', '?')}%."
        )
    parts.append(_similar_sentence(pack.similar))
    return " ".join(parts)
