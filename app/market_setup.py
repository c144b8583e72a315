"""Own the preparation of a market before `desk up`: instruments, daily history, features, the
signal artefact and default playbooks — for the simulated market (everything labelled SIMULATED)
and for a replay of stored or CSV bars. Idempotent: a second run only fills what is missing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import text

from app.bootstrap import HISTORY_DAYS, Container
from core.clock import to_ist
from core.errors import DeskError
from store.db import transaction
from store.repos.features import write_features
from store.repos.market import count_bars, load_bars_frame, upsert_bars, upsert_instruments
from tools.backtest.runner import BacktestConfig, load_bars_dir
from tools.features.build import build_features
from tools.market.instruments import default_universe
from tools.playbooks.defaults import ensure_default_playbooks
from tools.signals.artefacts import artefact_exists, save_artefact, train_artefact

log = logging.getLogger("desk.setup")
FEATURE_BATCH = 5_000
LIVE_HISTORY_DAYS = 730  # calendar days of daily candles fetched on a first live start


@dataclass(frozen=True)
class SetupReport:
    bars_inserted: int
    features_written: int
    artefact: str | None
    playbooks_created: int


def _history_frame(container: Container) -> pd.DataFrame:
    """Daily bars known before today's session: simulated, or the replay directory's CSVs."""
    today = to_ist(container.clock.now()).date()
    if container.settings.market == "simulated":
        bars = container.simulator.daily_bars(HISTORY_DAYS)
    elif container.settings.market == "replay" and container.settings.replay_dir is not None:
        bars, _ = load_bars_dir(Path(container.settings.replay_dir))
    else:
        return pd.DataFrame()
    ts_day = pd.to_datetime(bars["ts"], utc=True).dt.tz_convert("Asia/Kolkata").dt.date
    return bars[ts_day < today].copy()


def _upstox_history(container: Container) -> pd.DataFrame:
    """Live mode: the daily candles the store lacks, from the last stored session (or
    LIVE_HISTORY_DAYS back) to yesterday, for every instrument with an Upstox key."""
    import asyncio

    from store.repos.market import list_instruments
    from tools.broker.upstox.candles import daily_bars

    today = to_ist(container.clock.now()).date()
    with transaction(container.sessions) as s:
        if not list_instruments(s):
            upsert_instruments(s, default_universe())
        keys = {i.instrument_key: i.symbol for i in list_instruments(s) if i.instrument_key}
        stored = load_bars_frame(s, interval="1d")
    if stored.empty:
        start = today - timedelta(days=LIVE_HISTORY_DAYS)
    else:
        last = pd.Timestamp(stored["ts"].max()).tz_convert("Asia/Kolkata").date()
        start = last + timedelta(days=1)
    if start >= today or not keys:
        return pd.DataFrame()
    async def fetch() -> pd.DataFrame:
        client = container.new_upstox_client()
        try:
            return await daily_bars(client, keys, start, today - timedelta(days=1))
        finally:
            await client.aclose()

    return asyncio.run(fetch())


def _store_history(container: Container, bars: pd.DataFrame) -> int:
    if bars.empty:
        return 0
    with transaction(container.sessions) as s:
        if count_bars(s) > 0 and container.settings.market != "upstox":
            return 0
        upsert_instruments(s, default_universe())
        inserted = upsert_bars(s, bars)
        container.audit.append(s, "MARKET_HISTORY_STORED",
                               {"market": container.settings.market, "rows": len(bars),
                                "inserted": inserted}, category="INGESTION")
    return inserted


def _build_features(container: Container) -> int:
    with container.sessions() as s:
        bars = load_bars_frame(s)
    if bars.empty:
        return 0
    frame = build_features(bars)
    written = 0
    for i in range(0, len(frame), FEATURE_BATCH):
        with transaction(container.sessions) as s:
            written += write_features(s, frame.iloc[i:i + FEATURE_BATCH], container.clock)
    return written


def _train(container: Container, models: Path) -> str | None:
    """Train the offline default's artefact from the stored history if none exists yet.

    On a SIMULATED market the meta-labeler's lift gate is off (a demo: the cards it makes are
    labelled SIMULATED and carry the model version); on real data the gate stays on.
    """
    if artefact_exists(models):
        return None
    with container.sessions() as s:
        bars = load_bars_frame(s)
    if bars.empty:
        return None
    cfg = BacktestConfig(require_lift=not container.simulated_data)
    art = train_artefact(bars, container.clock, cfg)
    save_artefact(art, models)
    return art.version


def prepare_market(container: Container) -> SetupReport:
    """Make the stored market ready for `desk up`; safe to call on every start."""
    frame = (_upstox_history(container) if container.settings.market == "upstox"
             else _history_frame(container))
    inserted = _store_history(container, frame)
    with container.sessions() as s:
        have_features = s.execute(text("SELECT 1 FROM features LIMIT 1")).first() is not None
    written = 0 if have_features and not inserted else _build_features(container)
    try:
        version = _train(container, container.models_dir)
    except DeskError as exc:
        log.warning("signal model not trained: %s", exc)
        version = None
    with transaction(container.sessions) as s:
        created = ensure_default_playbooks(s, container.audit, container.clock)
    return SetupReport(inserted, written, version, len(created))


def history_end(container: Container) -> date | None:
    with container.sessions() as s:
        bars = load_bars_frame(s, interval="1d")
    if bars.empty:
        return None
    return to_ist(pd.Timestamp(bars["ts"].max()).to_pydatetime()).date()
