"""The tagger evaluation: honest splits, a reproducible Indian set, and a scorer worked by hand."""

from __future__ import annotations

import csv

import pytest

from core.enums import EventType, Stance
from evals.tagger import build_indian_set
from evals.tagger.datasets import INDIAN_SET, fiqa, indian, semeval, split
from evals.tagger.scorer import score, ticker_scores


def test_splits_are_disjoint_and_stable(shared_data):
    rows = semeval(shared_data / "sentiment")
    train, test = split(rows)
    assert {e.id for e in train}.isdisjoint({e.id for e in test})
    assert len(train) + len(test) == len(rows)
    assert 0.2 < len(test) / len(rows) < 0.4
    assert [e.id for e in split(rows)[1]] == [e.id for e in test]
    assert split(fiqa(shared_data / "sentiment"))[1]


def test_indian_set_labels_are_valid():
    rows = indian()
    assert len(rows) == 205
    assert len({r.id for r in rows}) == len(rows)
    for r in rows:
        assert r.stance in set(Stance)
        assert r.event_type in {t.value for t in EventType}


def test_indian_set_rebuilds_identically(shared_data, tmp_path, monkeypatch):
    monkeypatch.setattr(build_indian_set, "OUT", tmp_path / "out.csv")
    monkeypatch.setattr(build_indian_set, "DRAFT", tmp_path / "draft.csv")
    assert build_indian_set.build(shared_data) == 205
    with (tmp_path / "out.csv").open(encoding="utf-8") as a, INDIAN_SET.open(encoding="utf-8") as b:
        assert list(csv.DictReader(a)) == list(csv.DictReader(b))
    assert not (tmp_path / "draft.csv").exists()  # every selected row has a label


def test_scorer_by_hand():
    s = score(["A", "A", "B", "B"], ["A", "B", "B", "B"])
    assert s.accuracy == pytest.approx(0.75)
    a, b = s.per_class
    assert (a.precision, a.recall) == (1.0, 0.5)
    assert b.precision == pytest.approx(2 / 3)
    assert s.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)
    t = ticker_scores([["TCS"], ["INFY", "WIPRO"]], [["TCS", "LT"], ["INFY"]])
    assert t["precision"] == pytest.approx(2 / 3)
    assert t["recall"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="labels"):
        score(["A"], [])
