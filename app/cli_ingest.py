"""Own the `desk ingest` (run | once | status) and `desk eval tagger` commands."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from app.bootstrap import Container
from core.clock import to_ist
from core.ports import Embedder
from store.repos import events as repo
from tools.ingest.artifacts import ArtifactFetcher
from tools.ingest.http import FeedHttp
from tools.ingest.pipeline import IngestPipeline
from tools.ingest.sources import default_feeds
from tools.nlp.embedder import default_embedder
from tools.nlp.linker import TickerLinker, load_reference_targets
from tools.nlp.tagger import OfflineTagger, Tagger

cli = typer.Typer(help="Ingest filings, news and macro releases; tag, embed and store them.",
                  no_args_is_help=True)
eval_cli = typer.Typer(help="Evaluate models on labelled data.", no_args_is_help=True)
console = Console()
REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared" / "data"

RefOpt = Annotated[Path, typer.Option(help="Folder with EQUITY_L / NIFTY list CSVs for names")]


def _linker(container: Container | None, reference_dir: Path) -> TickerLinker:
    from tools.market.instruments import default_universe

    targets: list[Any] = list(default_universe())
    if container is not None:
        from store.repos.market import list_instruments

        with container.sessions() as s:
            targets += list_instruments(s)
    if reference_dir.exists():
        targets += load_reference_targets(reference_dir)
    return TickerLinker(targets)


def _tagger(container: Container, linker: TickerLinker, use_llm: bool,
            embedder: Embedder) -> Tagger:
    offline = OfflineTagger(linker, embedder)
    st = container.settings
    if not (use_llm and st.llm_configured):
        return offline
    from langchain_openai import ChatOpenAI

    from tools.nlp.llm_tagger import LLMTagger

    key = st.llm_api_key.get_secret_value() if st.llm_api_key else "none"
    chat = ChatOpenAI(base_url=st.llm_base_url, api_key=key, model=st.llm_model,
                      timeout=st.llm_timeout_s, max_retries=1)
    return LLMTagger(chat, fallback=offline, model_name=st.llm_model)


def _pipeline(reference_dir: Path, use_llm: bool) -> tuple[IngestPipeline, FeedHttp]:
    c = Container()
    c.migrate()
    linker = _linker(c, reference_dir)
    embedder = default_embedder()
    tagger = _tagger(c, linker, use_llm, embedder)
    http = FeedHttp()
    st = c.settings
    rss = [u.strip() for u in st.rss_urls.split(",") if u.strip()]
    key = st.newsapi_key.get_secret_value() if st.newsapi_key else None
    from tools.market.instruments import default_universe

    pipe = IngestPipeline(c.sessions, c.clock, c.audit, tagger, embedder,
                          default_feeds(http, c.clock, rss, key),
                          watchlist_symbols={i.symbol for i in default_universe()},
                          fetcher=ArtifactFetcher(http), linker=linker)
    pipe.warm_dedup()
    return pipe, http


def _cycle(pipe: IngestPipeline, limit: int) -> None:
    poll = pipe.poll_once()
    console.print(f"polled: {poll.fetched} items, {poll.new} new, {poll.duplicates} duplicates, "
                  f"{poll.near_duplicates} near-duplicates, {len(poll.feed_errors)} feed errors")
    for err in poll.feed_errors[:10]:
        console.print(f"  [yellow]{err}[/yellow]")
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("tag + embed", total=None)
        done = failed = 0
        while done + failed < limit:
            rep = pipe.process_pending(limit=min(64, limit - done - failed))
            if rep.processed + rep.failed == 0:
                break
            done, failed = done + rep.processed, failed + rep.failed
            bar.update(task, completed=done + failed)
    console.print(f"processed: {done}, failed: {failed}")


@cli.command()
def once(limit: int = 5000, reference_dir: RefOpt = SHARED / "reference",
         llm: bool = typer.Option(True, "--llm/--offline",
                                  help="LLM tagger when DESK_LLM_BASE_URL is set, else offline"),
         ) -> None:
    """Poll every feed once, then tag and embed what is pending."""
    pipe, http = _pipeline(reference_dir, llm)
    try:
        _cycle(pipe, limit)
    finally:
        http.close()


@cli.command()
def run(interval_s: float = 120.0, limit: int = 2000, reference_dir: RefOpt = SHARED / "reference",
        llm: bool = typer.Option(True, "--llm/--offline",
                                 help="LLM tagger when DESK_LLM_BASE_URL is set, else offline"),
        ) -> None:
    """Poll and process forever (Ctrl-C stops; PENDING events survive a restart)."""
    pipe, http = _pipeline(reference_dir, llm)
    try:
        while True:
            _cycle(pipe, limit)
            time.sleep(interval_s)
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        http.close()


@cli.command()
def status(limit: int = 15) -> None:
    """Show how many events are PENDING / PROCESSED / FAILED and the latest ones."""
    c = Container()
    c.migrate()
    with c.sessions() as s:
        counts = repo.count_by_status(s)
        recent = repo.recent_events(s, limit=limit)
    console.print(counts or "no events yet")
    table = Table("id", "time (IST)", "source", "status", "type", "stance", "symbols", "title")
    for e in recent:
        when = to_ist(e.event_timestamp).strftime("%d %b %H:%M") if e.event_timestamp else ""
        table.add_row(str(e.id), when, e.source or "", e.status or "",
                      (e.tag.event_type if e.tag else e.event_type) or "",
                      (e.tag.stance if e.tag else "") or "", ",".join(e.symbols[:3]),
                      (e.title or "")[:70])
    console.print(table)


@eval_cli.command("tagger")
def eval_tagger(
    sentiment_dir: Annotated[Path, typer.Option()] = SHARED / "sentiment",
    reference_dir: RefOpt = SHARED / "reference",
    llm: bool = typer.Option(False, help="Evaluate the LLM tagger (needs DESK_LLM_BASE_URL)"),
    out: Annotated[Path | None, typer.Option(help="Also write the report here")] = None,
) -> None:
    """Score stance, event type and ticker links on held-out labelled sets."""
    from evals.tagger.run import run_eval

    linker = _linker(None, reference_dir)
    tagger = _tagger(Container(), linker, llm, default_embedder())
    _, report = run_eval(tagger, sentiment_dir)
    console.print(report)
    if out:
        out.write_text(report, encoding="utf-8")
