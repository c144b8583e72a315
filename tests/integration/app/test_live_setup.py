"""Live (Upstox) mode: on start the desk fetches the daily candles it lacks from the v3 candle API
(here the loopback fake) and stores them as UPSTOX bars; a second start fetches only new days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import SecretStr

from app.bootstrap import Container
from app.market_setup import prepare_market
from core.clock import IST, FakeClock
from core.settings import Settings
from store.repos.market import load_bars_frame
from tests.fakes.upstox_server import FakeUpstox
from tools.market.calendar import NseCalendar

INFY, TCS = "NSE_EQ|INE009A01021", "NSE_EQ|INE467B01029"


def _candles(days: list[date], base: float) -> list[list[object]]:
    return [[f"{d.isoformat()}T00:00:00+05:30", base + i, base + i + 5, base + i - 5,
             base + i + 1, 1_000_000 + i, 0] for i, d in enumerate(days)]


def test_live_start_fetches_missing_daily_candles(sqlite_db, tmp_path):
    clock = FakeClock(datetime(2025, 12, 17, 9, 0, tzinfo=IST))
    sessions = NseCalendar().sessions(date(2025, 11, 1), date(2025, 12, 16))
    with FakeUpstox(clock) as upstox:
        upstox.candles = {INFY: _candles(sessions, 1600.0), TCS: _candles(sessions, 3200.0)}
        settings = Settings(database_url=sqlite_db.url, data_dir=tmp_path / "var",
                            market="upstox", broker="paper", upstox_base_url=upstox.base_url,
                            upstox_access_token=upstox.issue_token())
        c = Container(settings, clock=clock)
        first = prepare_market(c)
        assert first.bars_inserted == 2 * len(sessions)
        with c.sessions() as s:
            bars = load_bars_frame(s)
        assert set(bars["source"]) == {"UPSTOX"}
        assert set(bars["symbol"]) == {"INFY", "TCS"}
        assert first.artefact is None  # far too little history to train honestly
        # the next morning, after the daily login (yesterday's token died at 03:30 IST): only the
        # new session is fetched
        clock.set(clock.now() + timedelta(days=1))
        upstox.candles[INFY] += _candles([date(2025, 12, 17)], 1700.0)
        again = settings.model_copy(update={"upstox_access_token": SecretStr(upstox.issue_token())})
        second = prepare_market(Container(again, clock=clock))
        assert second.bars_inserted == 1
