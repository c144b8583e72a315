"""Fixtures for the NLP tests: a small instrument universe, the hashing embedder, MiniLM once."""

from __future__ import annotations

import pytest

from tools.nlp.embedder import HashingEmbedder
from tools.nlp.linker import LinkTarget, TickerLinker

UNIVERSE = [
    LinkTarget("RELIANCE", "Reliance Industries Limited"),
    LinkTarget("JIOFIN", "Jio Financial Services Limited"),
    LinkTarget("HDFCBANK", "HDFC Bank Limited"),
    LinkTarget("HDFCLIFE", "HDFC Life Insurance Company Limited"),
    LinkTarget("TCS", "Tata Consultancy Services Limited"),
    LinkTarget("INFY", "Infosys Limited"),
    LinkTarget("SBIN", "State Bank of India"),
    LinkTarget("LT", "Larsen & Toubro Limited"),
    LinkTarget("BSE", "BSE Limited"),
    LinkTarget("ALOKINDS", "Alok Industries Limited"),
    LinkTarget("WIPRO", "Wipro Limited", ("Wipro Tech",)),
]


@pytest.fixture
def linker() -> TickerLinker:
    return TickerLinker(UNIVERSE)


@pytest.fixture
def hashing() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def minilm():
    import torch

    torch.set_num_threads(1)
    from tools.nlp.embedder import MiniLMEmbedder

    return MiniLMEmbedder()
