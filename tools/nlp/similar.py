"""Own "find similar past events" by text or by event, over the events store's vector search."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.ports import Embedder
from store.repos import events as repo


def similar_events(
    session: Session, embedder: Embedder, *, text: str | None = None,
    event_id: int | None = None, k: int = 5, symbol: str | None = None,
    event_type: str | None = None, start: datetime | None = None, end: datetime | None = None,
) -> list[repo.SimilarEvent]:
    """Past events nearest to a text (embedded now) or to a stored event (its own vector, and
    the event itself left out), with their 5-day returns."""
    if (text is None) == (event_id is None):
        raise ValidationError("give exactly one of text or event_id", field="query")
    if event_id is not None:
        vec, exclude = repo.get_embedding(session, event_id), event_id
    else:
        vec, exclude = embedder.embed([text or ""])[0], None
    return repo.similar_events(session, vec, k=k, symbol=symbol, event_type=event_type,
                               start=start, end=end, exclude_id=exclude)
