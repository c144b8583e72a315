"""Own ticker linking: company names, short names and symbols in free text to NSE symbols."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.nlp.aliases import (
    AMBIGUOUS_SYMBOLS,
    BLOCKED_PHRASES,
    CURATED_ALIASES,
    GENERIC_WORDS,
)

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9&'.\-]*")
_SUFFIX = re.compile(
    r"\s*(\(india\)|\bindia\s+limited|\blimited|\bltd\.?|\bcorporation|\bcorp\.?|\bco\.?)\s*$",
    re.I,
)
_MAX_PHRASE = 6


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """One instrument as the linker sees it: symbol, legal name, extra short names."""

    symbol: str
    name: str = ""
    aliases: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of text that names an instrument."""

    symbol: str
    surface: str
    start: int


def _norm_token(tok: str) -> str:
    return tok.lower().rstrip(".'").replace("’", "'")


def _tokens(text: str) -> list[tuple[str, int]]:
    return [(m.group(0).rstrip(".,'"), m.start()) for m in _WORD.finditer(text)]


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(_norm_token(t) for t, _ in _tokens(phrase))


def _name_variants(name: str) -> list[str]:
    clean = name.strip()
    out = [clean]
    stripped = clean
    for _ in range(3):  # "X India Limited", "X (India) Ltd." ...
        nxt = _SUFFIX.sub("", stripped).strip()
        if nxt == stripped:
            break
        stripped = nxt
        out.append(stripped)
    return [v for v in out if v]


def _split_aliases(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return tuple(a.strip() for a in re.split(r"[|;]", raw) if a.strip())
    return tuple(str(a).strip() for a in raw if str(a).strip())


def as_targets(instruments: Iterable[Any]) -> list[LinkTarget]:
    """Accept LinkTargets, ORM/domain instruments or dicts (symbol, name, aliases)."""
    out = []
    for inst in instruments:
        if isinstance(inst, LinkTarget):
            out.append(inst)
            continue
        get = inst.get if isinstance(inst, dict) else lambda k, o=inst: getattr(o, k, None)
        symbol = str(get("symbol") or "").strip().upper()
        if symbol:
            out.append(LinkTarget(symbol, str(get("name") or ""), _split_aliases(get("aliases"))))
    return out


class TickerLinker:
    """Greedy longest-phrase matcher over legal names, curated short names and aliases.

    Names must start with a capital letter in the text; bare symbols must appear upper-case and
    not be in the ambiguous list. Curated aliases only apply to symbols in the universe.
    """

    def __init__(self, instruments: Iterable[Any], *, use_curated: bool = True) -> None:
        targets = as_targets(instruments)
        self.symbols = frozenset(t.symbol for t in targets)
        self._phrases: dict[tuple[str, ...], str] = {}
        for t in targets:
            for variant in _name_variants(t.name):
                self._add(variant, t.symbol, legal_name=True)
        if use_curated:
            for phrase in BLOCKED_PHRASES:
                self._add(phrase, "", legal_name=False, override=True)
            for phrase, symbol in CURATED_ALIASES.items():
                if symbol in self.symbols:
                    self._add(phrase, symbol, legal_name=False, override=True)
        for t in targets:  # explicit aliases from the instrument master win over everything
            for alias in t.aliases:
                self._add(alias, t.symbol, legal_name=False, override=True)

    def _add(self, phrase: str, symbol: str, *, legal_name: bool, override: bool = False) -> None:
        key = _key(phrase)
        if not key or len(key) > _MAX_PHRASE:
            return
        if legal_name and len(key) == 1 and (key[0] in GENERIC_WORDS or len(key[0]) < 4):
            return
        if override or key not in self._phrases:
            self._phrases[key] = symbol

    def mentions(self, text: str) -> list[Mention]:
        """Return every mention in reading order (a symbol may appear more than once)."""
        toks = _tokens(text)
        norm = [_norm_token(t) for t, _ in toks]
        out: list[Mention] = []
        i = 0
        while i < len(toks):
            hit = self._match_at(toks, norm, i)
            if hit is None:
                i += 1
                continue
            symbol, n = hit
            i += n
            if not symbol:  # a blocked phrase: consumed, links to nothing
                continue
            surface = " ".join(t for t, _ in toks[i - n:i])
            out.append(Mention(symbol, surface, toks[i - n][1]))
        return out

    def _match_at(
        self, toks: list[tuple[str, int]], norm: list[str], i: int,
    ) -> tuple[str, int] | None:
        first = toks[i][0]
        if first[:1].isupper() or first[:1].isdigit():
            for n in range(min(_MAX_PHRASE, len(toks) - i), 0, -1):
                symbol = self._phrases.get(tuple(norm[i:i + n]))
                if symbol is not None:
                    return symbol, n
        if first.isupper() and first in self.symbols and first not in AMBIGUOUS_SYMBOLS:
            return first, 1
        return None

    def link(self, text: str) -> list[str]:
        """Return the distinct symbols named in text, in order of first mention."""
        return list(dict.fromkeys(m.symbol for m in self.mentions(text)))


def load_reference_targets(reference_dir: Path) -> list[LinkTarget]:
    """Read the NSE equity master (EQUITY_L*) and the NIFTY index lists from a reference folder."""
    by_symbol: dict[str, LinkTarget] = {}
    for path in sorted(reference_dir.glob("EQUITY_L*.csv")):
        for row in _read_csv(path):
            sym, name = row.get("SYMBOL", ""), row.get("NAME OF COMPANY", "")
            if sym:
                by_symbol[sym.strip().upper()] = LinkTarget(sym.strip().upper(), name.strip())
    for path in sorted(reference_dir.glob("*nifty*list*.csv")):
        for row in _read_csv(path):
            sym = row.get("Symbol", "").strip().upper()
            if sym and sym not in by_symbol:
                by_symbol[sym] = LinkTarget(sym, row.get("Company Name", "").strip())
    return list(by_symbol.values())


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        return [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]
