"""Simulated market: reproducible, sectors, clustering, regimes, gaps, jumps with headlines."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from core.clock import IST
from core.enums import EventType, Stance
from tools.market.simulator import MarketSimulator, synthetic_universe

START = date(2024, 1, 1)


@pytest.fixture(scope="module")
def sim() -> MarketSimulator:
    s = MarketSimulator(11, 60, START)
    s.daily_bars(750)
    return s


@pytest.fixture(scope="module")
def bars(sim: MarketSimulator) -> pd.DataFrame:
    return sim.daily_bars(750)


def _wide(bars: pd.DataFrame, col: str) -> pd.DataFrame:
    return bars.pivot(index="ts", columns="symbol", values=col)


def test_same_seed_same_market_and_longer_runs_extend_shorter_ones() -> None:
    a = MarketSimulator(3, 12, START).daily_bars(150)
    b = MarketSimulator(3, 12, START).daily_bars(150)
    pd.testing.assert_frame_equal(a, b)
    c = MarketSimulator(4, 12, START).daily_bars(150)
    assert not np.allclose(a["close"], c["close"])
    longer = MarketSimulator(3, 12, START).daily_bars(300)
    head = longer.groupby("symbol", observed=True).head(150).reset_index(drop=True)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), head)


def test_frame_shape_labels_and_bar_sanity(sim: MarketSimulator, bars: pd.DataFrame) -> None:
    assert len(bars) == 60 * 750
    assert set(bars["source"]) == {"SIMULATED"}
    assert list(bars.columns) == [
        "symbol",
        "exchange",
        "ts",
        "open",
        "high",
        "low",
        "close",
        "volume",
        "oi",
        "source",
    ]
    assert (bars["low"] <= bars[["open", "close"]].min(axis=1)).all()
    assert (bars["high"] >= bars[["open", "close"]].max(axis=1)).all()
    assert (bars["low"] > 0).all()
    assert (bars["volume"] > 0).all()
    first = bars["ts"].min().tz_convert(IST)
    assert (first.hour, first.minute) == (9, 15)
    days = {t.tz_convert(IST).date() for t in bars["ts"].unique()}
    assert all(sim.calendar.is_session(d) for d in days)


def test_stocks_in_a_sector_co_move(sim: MarketSimulator, bars: pd.DataFrame) -> None:
    rets = np.log(_wide(bars, "close")).diff().dropna()
    corr = rets.corr().to_numpy()
    sector = np.array([i.sector for i in sim.instruments])
    same = sector[:, None] == sector[None, :]
    off = ~np.eye(len(sector), dtype=bool)
    within, across = corr[same & off].mean(), corr[~same].mean()
    assert within > across + 0.1


def test_volatility_clusters_and_regimes_shift(sim: MarketSimulator, bars: pd.DataFrame) -> None:
    mkt = np.log(_wide(bars, "close")).diff().mean(axis=1).dropna()
    abs_r = mkt.abs()
    lag_acf = [abs_r.autocorr(k) for k in (1, 2, 5)]
    assert min(lag_acf) > 0.1  # |returns| are autocorrelated: GARCH-like clustering
    regimes = pd.Series(sim.regimes(750)[1:], index=mkt.index)
    assert regimes.nunique() == 3
    by_regime = mkt.groupby(regimes).std()
    assert by_regime["STRESSED"] > by_regime["NORMAL"] > by_regime["CALM"]


def test_overnight_gaps_and_circuit_cap(bars: pd.DataFrame) -> None:
    close = _wide(bars, "close")
    prev = close.shift(1)
    gap = (_wide(bars, "open") / prev - 1).iloc[1:]
    move = (close / prev - 1).iloc[1:]
    assert (gap.abs() > 0.001).to_numpy().mean() > 0.5
    assert gap.abs().max().max() <= 0.2 + 0.01  # tick rounding only
    assert move.abs().max().max() <= 0.2 + 0.01


def test_each_jump_has_a_matching_headline(sim: MarketSimulator, bars: pd.DataFrame) -> None:
    heads = sim.headlines()
    assert heads == sorted(heads, key=lambda h: (h.ts, h.symbol or ""))
    stock = [h for h in heads if h.symbol]
    assert len(stock) == sum(1 for e in sim._path.events if e.stock >= 0)
    assert any(h.symbol is None for h in heads)  # a market-wide event
    valid = {str(e) for e in EventType}
    close = _wide(bars, "close")
    agree = 0
    big = [h for h in stock if abs(h.jump_pct) >= 8]
    for h in heads:
        assert h.source == "SIMULATED"
        assert h.body.startswith("[SIMULATED]")
        assert h.event_type in valid
        assert h.stance == (Stance.BULLISH if h.jump_pct > 0 else Stance.BEARISH)
        assert h.title
    for h in big:
        day = h.ts.astimezone(IST).date()
        ts = pd.Timestamp(day.isoformat() + " 09:15", tz=IST).tz_convert("UTC")
        if ts not in close.index or close.index.get_loc(ts) == 0:
            continue
        i = close.index.get_loc(ts)
        agree += np.sign(close[h.symbol].iloc[i] / close[h.symbol].iloc[i - 1] - 1) == np.sign(
            h.jump_pct
        )
    assert agree >= 0.8 * len(big) > 0


def test_buyback_headline_style() -> None:
    s = MarketSimulator(5, 300, START)
    s.daily_bars(500)
    buybacks = [h for h in s.headlines() if h.event_type == "BUYBACK"]
    assert buybacks
    assert all("crore buyback at ₹" in h.title and "per share" in h.title for h in buybacks)


def test_intraday_bars_aggregate_to_the_daily_bar(sim: MarketSimulator, bars: pd.DataFrame) -> None:
    day = sim.sessions(750)[400]
    intra = sim.intraday_bars(day, interval_minutes=5)
    assert len(intra) == 60 * 75
    daily = bars[bars["ts"] == pd.Timestamp(day.isoformat() + " 09:15", tz=IST)].set_index("symbol")
    agg = intra.groupby("symbol", observed=True).agg(
        open=("open", "first"),
        high=("high", "max"),
        low=("low", "min"),
        close=("close", "last"),
        volume=("volume", "sum"),
    )
    for col in ("open", "high", "low", "close"):
        assert np.allclose(agg[col], daily.loc[agg.index, col]), col
    assert (agg["volume"] == daily.loc[agg.index, "volume"]).all()
    assert (intra["low"] <= intra[["open", "close"]].min(axis=1) + 1e-9).all()
    assert (intra["high"] >= intra[["open", "close"]].max(axis=1) - 1e-9).all()
    stamps = sorted(intra["ts"].unique())
    assert stamps[0].tz_convert(IST).strftime("%H:%M") == "09:15"
    assert stamps[-1].tz_convert(IST).strftime("%H:%M") == "15:25"
    assert stamps[1] - stamps[0] == timedelta(minutes=5)
    again = sim.intraday_bars(day, interval_minutes=5)
    pd.testing.assert_frame_equal(intra, again)


def test_intraday_rejects_bad_days_and_intervals(sim: MarketSimulator) -> None:
    with pytest.raises(ValueError, match="not a simulated session"):
        sim.intraday_bars(date(2024, 1, 6))  # a Saturday
    with pytest.raises(ValueError, match="divide"):
        sim.intraday_bars(sim.sessions(5)[2], interval_minutes=7)


def test_synthetic_universe_names_and_sectors() -> None:
    uni = synthetic_universe(70)
    assert len(uni) == 70
    assert len({i.symbol for i in uni}) == 70
    assert uni[0].symbol == "ADANIENT"
    assert uni[-1].symbol == "SIM0015"
    assert all(i.sector for i in uni)


def test_headlines_for_a_prefix_and_intraday_jump_timing() -> None:
    s = MarketSimulator(21, 40, START)
    s.daily_bars(300)
    first_100 = s.headlines(100)
    last_day = s.sessions(100)[-1]
    assert first_100 == [h for h in s.headlines() if h.ts.astimezone(IST).date() <= last_day]
    intraday = [
        e for e in s._path.events if e.stock >= 0 and e.minute >= 0 and abs(e.jump_pct) >= 6
    ]
    assert intraday
    for ev in intraday[:5]:
        day = s._path.days[ev.day]
        bars = s.intraday_bars(day)
        one = bars[bars["symbol"] == s.symbols[ev.stock]].reset_index(drop=True)
        moves = np.log(one["close"] / one["open"]).abs()
        assert ev.minute // 5 in set(moves.nlargest(3).index)  # the jump lands at its minute


def test_start_for_history_ends_the_session_before() -> None:
    from tools.market.simulator import start_for_history

    first = start_for_history(10, date(2025, 12, 26))
    sim = MarketSimulator(1, 2, first)
    days = sim.sessions(11)
    assert days[9] == date(2025, 12, 24)  # 25 Dec is a holiday
    assert days[10] == date(2025, 12, 26)
