"""Own the labelled prototype sentences per event type and the trained stance head's weights."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from core.enums import EventType, Stance

STANCE_HEAD_PATH = Path(__file__).parent / "data" / "stance_head_v1.json"

# Hand-written examples (not taken from any evaluation set) that the embedding model compares a
# text against when no lexicon cue fires in the title.
PROTOTYPES: dict[EventType, tuple[str, ...]] = {
    EventType.BUYBACK: ("Board approves buyback of equity shares through tender offer",
                        "Company to repurchase shares from the open market"),
    EventType.EARNINGS: ("Quarterly net profit rises on higher revenue",
                         "Company reports loss in the third quarter as costs climb",
                         "Financial results for the quarter ended September"),
    EventType.GUIDANCE: ("Company raises full-year revenue growth outlook",
                         "Management expects margins to stay under pressure next year"),
    EventType.DIVIDEND: ("Board declares interim dividend per share, record date fixed",
                         "Company announces bonus issue and stock split"),
    EventType.M_AND_A: ("Company to acquire a majority stake in a rival firm",
                        "Merger of two companies approved by shareholders",
                        "Promoter sells stake to a private equity investor"),
    EventType.ORDER_WIN: ("Company bags large order from a state utility",
                          "IT firm signs multi-year deal with a global bank",
                          "Receipt of letter of award for a highway project"),
    EventType.PENALTY: ("Regulator imposes penalty on the company for disclosure lapses",
                        "Tax authorities raid company offices over alleged evasion",
                        "Court order against the company in a fraud case"),
    EventType.REGULATORY: ("Company receives drug approval from the US regulator",
                           "Regulator issues new rules for listed companies",
                           "Plant gets warning letter after inspection"),
    EventType.MANAGEMENT_CHANGE: ("Chief executive officer resigns with immediate effect",
                                  "Board appoints a new managing director and CFO"),
    EventType.RATING: ("Rating agency upgrades the company's long-term credit rating",
                       "Brokerage maintains buy with a higher target price"),
    EventType.POLICY: ("Central bank keeps the repo rate unchanged in its policy review",
                       "Government announces new incentive scheme for manufacturing"),
    EventType.MACRO: ("Retail inflation eases to a multi-month low",
                      "Rupee falls against the dollar as foreign investors sell",
                      "Stock markets rise as foreign inflows continue"),
    EventType.OTHER: ("Company launches a new mobile app for customers",
                      "Firm opens a new office and hires graduates",
                      "Newspaper publication of notice to shareholders"),
}


@dataclass(frozen=True, slots=True)
class StanceHead:
    """Multinomial logistic regression on sentence embeddings (BEARISH, NEUTRAL, BULLISH)."""

    classes: tuple[Stance, ...]
    weights: npt.NDArray[np.float32]  # (n_classes, dim)
    bias: npt.NDArray[np.float32]  # (n_classes,)
    embedder_version: str
    trained_on: str

    def proba(self, vecs: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        logits = vecs @ self.weights.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        out: npt.NDArray[np.float32] = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        return out


def load_stance_head(path: Path = STANCE_HEAD_PATH) -> StanceHead | None:
    """Load the shipped stance head, or None when it has not been trained."""
    if not path.exists():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    return StanceHead(
        classes=tuple(Stance(c) for c in raw["classes"]),
        weights=np.asarray(raw["weights"], dtype=np.float32),
        bias=np.asarray(raw["bias"], dtype=np.float32),
        embedder_version=raw["embedder_version"], trained_on=raw["trained_on"],
    )


def save_stance_head(head: StanceHead, path: Path = STANCE_HEAD_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "classes": [str(c) for c in head.classes],
        "weights": np.round(head.weights, 6).tolist(), "bias": np.round(head.bias, 6).tolist(),
        "embedder_version": head.embedder_version, "trained_on": head.trained_on,
    }
    path.write_text(json.dumps(payload), encoding="utf-8")
