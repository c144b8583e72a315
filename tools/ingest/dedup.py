"""Own near-duplicate detection: MinHash LSH over word shingles (the same story on many sites)."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable

from datasketch import MinHash, MinHashLSH

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({
    "a", "an", "the", "of", "and", "to", "in", "on", "for", "with",
    "by", "at", "from", "as", "is", "are", "was", "be", "its", "it",
})


def shingles(text: str, k: int = 2) -> set[str]:
    """Word k-shingles of the text without stop words (single words for very short texts)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in _STOP]
    if len(words) <= k:
        return set(words)
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


class NearDupIndex:
    """An in-memory LSH index of recent events; bounded, oldest entries evicted first.

    `find(text, symbols)` returns the id of a stored event about the same symbols whose
    estimated Jaccard similarity with text is at least `threshold`, or None. Requiring the same
    symbols keeps template-like headlines about different companies ("X Q3 profit rises 12%")
    apart. Rebuild it from the store after a restart (`add` the
    recent events) so duplicates across restarts are still caught.
    """

    def __init__(self, threshold: float = 0.5, num_perm: int = 64, capacity: int = 50_000) -> None:
        self.threshold = threshold
        self._num_perm = num_perm
        self._capacity = capacity
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._hashes: OrderedDict[int, tuple[MinHash, frozenset[str]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._hashes)

    def _minhash(self, text: str) -> MinHash | None:
        sh = shingles(text)
        if len(sh) < 3:  # too short to call anything a duplicate
            return None
        m = MinHash(num_perm=self._num_perm)
        m.update_batch([s.encode() for s in sh])
        return m

    def find(self, text: str, symbols: Iterable[str] = ()) -> int | None:
        m = self._minhash(text)
        if m is None:
            return None
        want = frozenset(symbols)
        best, best_sim = None, self.threshold
        for key in self._lsh.query(m):
            other, other_symbols = self._hashes[key]
            sim = m.jaccard(other)
            if other_symbols == want and sim >= best_sim:
                best, best_sim = key, sim
        return best

    def remove(self, event_id: int) -> None:
        """Forget an event (e.g. its insert was rolled back)."""
        if self._hashes.pop(event_id, None) is not None:
            self._lsh.remove(event_id)

    def add(self, event_id: int, text: str, symbols: Iterable[str] = ()) -> None:
        m = self._minhash(text)
        if m is None or event_id in self._hashes:
            return
        self._lsh.insert(event_id, m)
        self._hashes[event_id] = (m, frozenset(symbols))
        while len(self._hashes) > self._capacity:
            old, _ = self._hashes.popitem(last=False)
            self._lsh.remove(old)
