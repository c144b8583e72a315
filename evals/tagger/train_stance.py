"""Train the stance head (logistic regression on MiniLM embeddings) on the TRAIN split only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from core.enums import Stance
from evals.tagger.datasets import fiqa, semeval, split
from tools.nlp.embedder import MiniLMEmbedder
from tools.nlp.prototypes import STANCE_HEAD_PATH, StanceHead, save_stance_head

CLASSES = (Stance.BEARISH, Stance.NEUTRAL, Stance.BULLISH)


def train(sentiment_dir: Path, out: Path = STANCE_HEAD_PATH, c: float = 2.0) -> StanceHead:
    """Fit on the train side of SemEval + FiQA; the test side and the Indian set stay unseen."""
    train_rows = []
    for ds in (semeval(sentiment_dir), fiqa(sentiment_dir)):
        train_rows.extend(split(ds)[0])
    emb = MiniLMEmbedder()
    x = emb.embed([e.title for e in train_rows])
    y = np.array([CLASSES.index(e.stance) for e in train_rows])  # type: ignore[arg-type]
    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    clf.fit(x, y)
    order = [list(clf.classes_).index(i) for i in range(len(CLASSES))]
    head = StanceHead(
        classes=CLASSES, weights=clf.coef_[order].astype(np.float32),
        bias=clf.intercept_[order].astype(np.float32), embedder_version=emb.model_version,
        trained_on=f"semeval2017+fiqa2018 train split ({len(train_rows)} rows), C={c}",
    )
    save_stance_head(head, out)
    return head


if __name__ == "__main__":
    import sys

    root = Path(__file__).resolve().parents[2]
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared/data/sentiment"
    h = train(data)
    print(f"stance head written to {STANCE_HEAD_PATH}: {h.trained_on}")
