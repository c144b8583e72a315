"""Results dates read from stored filings: a scheduled board meeting and a past EARNINGS event."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from store.db import transaction
from store.models import EventRow
from tests.unit.alloc.factories import candidate
from tools.alloc.blackout import from_events
from tools.alloc.cardmaker import default_similar


def test_results_dates_from_filings_and_similar_events(db, clock):
    now = clock.now()
    with transaction(db.sessions) as s:
        s.add_all([
            EventRow(source="NSE_FILING", source_url="https://nse.example/bm/1", symbols=["TCS"],
                     title="Board Meeting Intimation for Financial Results", event_type="OTHER",
                     features={"bm_date": "18-DEC-2025", "purpose": "Financial Results"},
                     event_timestamp=now - timedelta(days=5)),
            EventRow(source="NSE_FILING", source_url="https://nse.example/bm/2", symbols=["INFY"],
                     title="Board meeting: ESOP allotment", event_type="OTHER",
                     features={"bm_date": "17-DEC-2025", "purpose": "ESOP"},
                     event_timestamp=now - timedelta(days=5)),
            EventRow(source="RSS", source_url="https://news.example/3", symbols=["WIPRO"],
                     title="Wipro Q3 results beat estimates", event_type="EARNINGS",
                     event_timestamp=now - timedelta(days=1)),
            EventRow(source="RSS", source_url="https://news.example/4", symbols=["HCLTECH"],
                     title="HCL Tech results", event_type="EARNINGS",
                     event_timestamp=now - timedelta(days=400)),
        ])
        s.flush()
        cal = from_events(s, ["TCS", "INFY", "WIPRO", "HCLTECH", "ITC"], now.date())
    assert cal.dates == {"TCS": frozenset({date(2025, 12, 18)}),
                         "WIPRO": frozenset({date(2025, 12, 15)})}
    assert cal.hit("TCS", now.date(), 2) == date(2025, 12, 18)
    # similar past events for the judge come from the trigger's embedding, nearest first
    rng = np.random.default_rng(3)
    base = rng.normal(size=384)
    with transaction(db.sessions) as s:
        rows = []
        for k, noise in enumerate((0.0, 0.1, 3.0)):
            vec = base + noise * rng.normal(size=384)
            rows.append(EventRow(source="RSS", source_url=f"https://news.example/b{k}",
                                 title=f"buyback {k}", event_type="BUYBACK", symbols=["TCS"],
                                 embedding=(vec / np.linalg.norm(vec)).astype(np.float32),
                                 event_timestamp=now - timedelta(days=10 + k)))
        s.add_all(rows)
        s.flush()
        trigger = rows[0]
        similar = default_similar(s, candidate(event_id=trigger.id))
        assert default_similar(s, candidate()) == ()
    assert [e.url for e in similar][:1] == ["https://news.example/b1"]
    assert "https://news.example/b0" not in [e.url for e in similar]
