"""Ticker linking and the embedders."""

from __future__ import annotations

import numpy as np
import pytest

from core.ports import Embedder
from tools.nlp.linker import as_targets


@pytest.mark.parametrize(("text", "expected"), [
    ("Reliance Industries Q3 profit beats estimates", ["RELIANCE"]),
    ("RIL shares jump after Jio tariff hike", ["RELIANCE"]),
    ("Reliance Jio adds 3 million users", ["RELIANCE"]),
    ("Jio Financial Services gets RBI nod", ["JIOFIN"]),
    ("HDFC Bank vs HDFC Life: which to buy", ["HDFCBANK", "HDFCLIFE"]),
    ("HDFC Life Q2 results", ["HDFCLIFE"]),
    ("HDFC stake in Bandhan", []),  # bare HDFC is ambiguous since the merger
    ("L&T bags mega order; SBI and TCS gain", ["LT", "SBIN", "TCS"]),
    ("BSE Sensex closes higher", []),  # BSE the index, not BSE Ltd
    ("Anil Ambani's Reliance General Insurance to file IPO", []),
    ("St Kilda FC moves away from reliance on pokies", []),
    ("Wipro Tech wins deal", ["WIPRO"]),
    ("The outcome of the board meeting of Alok Industries Limited", ["ALOKINDS"]),
])
def test_link(linker, text, expected):
    assert linker.link(text) == expected


def test_mentions_keep_surface_and_position(linker):
    text = "Shares of Infosys rose; Infosys Limited said"
    ms = linker.mentions(text)
    assert [(m.symbol, m.surface) for m in ms] == [("INFY", "Infosys"), ("INFY", "Infosys Limited")]
    assert text[ms[1].start:].startswith("Infosys Limited")


def test_as_targets_accepts_dicts_and_objects():
    class Inst:
        symbol, name, aliases = "abc", "Abc Ltd", "A1|A2"

    targets = as_targets([{"symbol": "XYZ", "name": "Xyz Ltd", "aliases": ["X"]}, Inst(), {}])
    assert [(t.symbol, t.aliases) for t in targets] == [("XYZ", ("X",)), ("ABC", ("A1", "A2"))]


def test_hashing_embedder_is_deterministic_unit_norm(hashing):
    assert isinstance(hashing, Embedder)
    a = hashing.embed(["TCS buyback", "TCS buyback", "RBI policy", ""])
    assert a.shape == (4, 384)
    assert a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a[:3], axis=1), 1.0, rtol=1e-5)
    assert np.array_equal(a[0], a[1])
    assert float(a[0] @ a[2]) < 0.5
    assert not a[3].any()  # empty text: zero vector, not NaN


@pytest.mark.slow
def test_minilm_is_semantic(minilm):
    assert isinstance(minilm, Embedder)
    assert minilm.dim == 384
    v = minilm.embed(["Reliance Q3 net profit rises", "RIL quarterly profit up",
                      "RBI fines HDFC Bank"])
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-4)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.2
