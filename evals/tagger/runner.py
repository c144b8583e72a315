"""Run a tagger over the labelled sets and report stance, event-type and ticker-linking scores."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evals.tagger.datasets import Example, fiqa, indian, semeval, split
from evals.tagger.scorer import Score, score, ticker_scores
from tools.nlp.tagger import Tagger

# The seed's coarser classes, for a second view of event-type accuracy.
MERGED = {"PENALTY": "PENALTY/REGULATORY", "REGULATORY": "PENALTY/REGULATORY",
          "POLICY": "POLICY/MACRO", "MACRO": "POLICY/MACRO"}


@dataclass
class SetReport:
    name: str
    stance: Score
    event_type: Score | None = None
    event_type_merged: Score | None = None
    tickers: dict[str, float] | None = None
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (text, gold, pred)


def evaluate(tagger: Tagger, examples: Sequence[Example], name: str,
             progress: Callable[[int], None] | None = None) -> SetReport:
    preds = []
    for i, ex in enumerate(examples):
        preds.append(tagger.tag(ex.title, ex.body))
        if progress:
            progress(i + 1)
    gold_s = [str(e.stance) for e in examples]
    pred_s = [str(p.stance) for p in preds]
    rep = SetReport(name, score(gold_s, pred_s))
    rep.errors = [(e.title, g, p) for e, g, p in zip(examples, gold_s, pred_s, strict=True)
                  if g != p][:15]
    if all(e.event_type for e in examples):
        gold_t = [e.event_type or "" for e in examples]
        pred_t = [p.event_type.value for p in preds]
        rep.event_type = score(gold_t, pred_t)
        rep.event_type_merged = score([MERGED.get(g, g) for g in gold_t],
                                      [MERGED.get(p, p) for p in pred_t])
        rep.tickers = ticker_scores([e.tickers for e in examples], [p.tickers for p in preds])
    return rep


def eval_sets(sentiment_dir: Path) -> dict[str, list[Example]]:
    """The evaluation sets: the TEST side of SemEval/FiQA and the whole Indian set."""
    return {
        "semeval2017 (test split)": split(semeval(sentiment_dir))[1],
        "fiqa2018 (test split)": split(fiqa(sentiment_dir))[1],
        "indian_v1 (all, never trained on)": indian(),
    }


def format_report(reports: Sequence[SetReport], model_version: str) -> str:
    lines = [f"# Tagger evaluation: {model_version}", ""]
    for r in reports:
        lines.append(f"## {r.name}")
        lines.append(_fmt("stance", r.stance))
        if r.event_type and r.event_type_merged and r.tickers:
            lines.append(_fmt("event type", r.event_type))
            lines.append(_fmt("event type (seed's merged classes)", r.event_type_merged))
            t = r.tickers
            lines.append(f"- tickers: precision {t['precision']:.3f}, recall {t['recall']:.3f},"
                         f" F1 {t['f1']:.3f}")
        lines.append("")
    return "\n".join(lines)


def _fmt(what: str, s: Score) -> str:
    per = ", ".join(f"{c.label} P={c.precision:.2f} R={c.recall:.2f} (n={c.support})"
                    for c in s.per_class)
    return f"- {what}: n={s.n}, accuracy {s.accuracy:.3f}, macro-F1 {s.macro_f1:.3f}; {per}"
