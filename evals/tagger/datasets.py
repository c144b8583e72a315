"""Load the labelled sets (SemEval-2017, FiQA-2018, our Indian headlines) and split them."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from core.enums import Stance

INDIAN_SET = Path(__file__).parent / "data" / "indian_headlines_v1.csv"
TEST_FRACTION = 0.3  # of the shared SemEval/FiQA rows, held out from stance-head training
_SPLIT_SALT = "desk-tagger-split-v1"


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled text; event_type and tickers are only labelled in the Indian set."""

    id: str
    dataset: str
    title: str
    body: str
    stance: Stance | None
    event_type: str | None = None
    tickers: tuple[str, ...] = ()


def in_test_split(dataset: str, row_id: str) -> bool:
    """Deterministic hash split: the same row is always on the same side."""
    digest = hashlib.sha256(f"{_SPLIT_SALT}:{dataset}:{row_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < TEST_FRACTION


def stance_of_score(score: float, band: float = 0.05) -> Stance:
    """Same thresholding as the shared SemEval labels (±0.05)."""
    if score > band:
        return Stance.BULLISH
    if score < -band:
        return Stance.BEARISH
    return Stance.NEUTRAL


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def semeval(sentiment_dir: Path) -> list[Example]:
    rows = _rows(sentiment_dir / "semeval2017_task5_headlines.csv")
    return [Example(r["id"], "semeval2017", r["headline"], "",
                    stance_of_score(float(r["sentiment_score"]))) for r in rows]


def fiqa(sentiment_dir: Path) -> list[Example]:
    rows = _rows(sentiment_dir / "fiqa2018_task1_posts.csv")
    return [Example(f"{r['id']}:{r['target']}", "fiqa2018", r["text"], "",
                    stance_of_score(float(r["sentiment_score"]))) for r in rows]


def indian(path: Path = INDIAN_SET) -> list[Example]:
    """Our hand-labelled Indian headlines and NSE announcement subjects (never used to train)."""
    out = []
    for r in _rows(path):
        tickers = tuple(t for t in r["tickers"].split(";") if t)
        out.append(Example(r["id"], "indian_v1", r["title"], r["body"], Stance(r["stance"]),
                           r["event_type"], tickers))
    return out


def split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """Return (train, test) by the deterministic hash split."""
    train = [e for e in examples if not in_test_split(e.dataset, e.id)]
    test = [e for e in examples if in_test_split(e.dataset, e.id)]
    return train, test
