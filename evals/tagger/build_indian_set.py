"""Build the Indian labelled set: pick rows from shared news + NSE announcements, join hand labels.

Selection is deterministic (seeded); labels live in data/labels_v1.csv, written by hand by reading
each row (see docs/ingest.md for the labelling guide). Run:
    python -m evals.tagger.build_indian_set [shared_data_dir]
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"
LABELS = DATA / "labels_v1.csv"
OUT = DATA / "indian_headlines_v1.csv"
DRAFT = DATA / "draft_unlabelled.csv"
PER_SUBJECT = 2
SEED = 20261126
_SOURCE_SUFFIX = re.compile(r"\s+-\s+[^-]+$")


def _news(shared: Path) -> list[dict[str, str]]:
    rows, seen = [], set()
    with (shared / "news" / "indian_company_news_2018_2019.csv").open(encoding="utf-8") as fh:
        for i, r in enumerate(csv.DictReader(fh)):
            title = _SOURCE_SUFFIX.sub("", r["headline"]).replace("?", "'").strip()
            key = re.sub(r"\W+", "", title.lower())
            if key in seen:  # the source repeats some stories verbatim
                continue
            seen.add(key)
            rows.append({"id": f"news-{i}", "source": "news", "title": title,
                         "body": r["description"].strip()})
    return rows


def _announcements(shared: Path) -> list[dict[str, str]]:
    path = shared / "announcements" / "nse_announcements_2025-12-16_18.csv"
    with path.open(encoding="utf-8") as fh:
        rows = [(i, r) for i, r in enumerate(csv.DictReader(fh))
                if r["subject"] != "Declaration of NAV"]
    by_subject: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for i, r in rows:
        by_subject.setdefault(r["subject"], []).append((i, r))
    rng = random.Random(SEED)
    picked = []
    for subject in sorted(by_subject):
        group = by_subject[subject]
        for i, r in rng.sample(group, min(PER_SUBJECT, len(group))):
            picked.append({"id": f"nse-{i}", "source": "nse_announcement",
                           "title": f"{r['company']}: {subject}", "body": r["details"].strip(),
                           "symbol": r["symbol"]})
    return picked


def build(shared: Path) -> int:
    rows = _news(shared) + _announcements(shared)
    labels = {}
    if LABELS.exists():
        with LABELS.open(encoding="utf-8") as fh:
            labels = {r["id"]: r for r in csv.DictReader(fh)}
    fields = ["id", "source", "title", "body", "event_type", "stance", "tickers", "note"]
    done, todo = [], []
    for r in rows:
        lab = labels.get(r["id"])
        if lab is None:
            todo.append(r)
            continue
        done.append({**{k: r.get(k, "") for k in ("id", "source", "title", "body")},
                     **{k: lab[k] for k in ("event_type", "stance", "tickers", "note")}})
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(done)
    if not todo:
        DRAFT.unlink(missing_ok=True)
        return len(done)
    with DRAFT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "source", "title", "body", "symbol"])
        w.writeheader()
        w.writerows({k: r.get(k, "") for k in ("id", "source", "title", "body", "symbol")}
                    for r in todo)
    return len(done)


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    shared_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared" / "data"
    n = build(shared_dir)
    print(f"{n} labelled rows -> {OUT}; unlabelled rows (if any) -> {DRAFT}")
