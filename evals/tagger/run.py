"""Entry point of `desk eval tagger`: build the chosen tagger, score every set, write the report."""

from __future__ import annotations

from pathlib import Path

from rich.progress import Progress

from evals.tagger.runner import SetReport, eval_sets, evaluate, format_report
from tools.nlp.linker import TickerLinker, load_reference_targets
from tools.nlp.tagger import Tagger


def run_eval(tagger: Tagger, sentiment_dir: Path) -> tuple[list[SetReport], str]:
    """Evaluate on the held-out SemEval/FiQA rows and the whole Indian set."""
    reports = []
    with Progress(transient=True) as bar:
        for name, examples in eval_sets(sentiment_dir).items():
            task = bar.add_task(name, total=len(examples))
            reports.append(evaluate(tagger, examples, name,
                                    progress=lambda n, t=task: bar.update(t, completed=n)))
    return reports, format_report(reports, tagger.model_version)


def reference_linker(reference_dir: Path) -> TickerLinker:
    return TickerLinker(load_reference_targets(reference_dir))
