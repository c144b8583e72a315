"""Bars and instruments repository on SQLite and Postgres: idempotent upserts and frame loaders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from core.domain import Bar, Instrument
from core.enums import DataSource
from store.db import transaction
from store.repos.market import (
    count_bars,
    get_instrument,
    instrument_aliases,
    latest_bars,
    list_instruments,
    load_bars_frame,
    upsert_bars,
    upsert_instruments,
)

T0 = datetime(2025, 12, 15, 3, 45, tzinfo=UTC)


def _frame(symbols: list[str], days: int) -> pd.DataFrame:
    rows = []
    for i, sym in enumerate(symbols):
        for d in range(days):
            px = 100.0 + 10 * i + d
            rows.append(
                {
                    "symbol": sym,
                    "ts": T0 + timedelta(days=d),
                    "open": px,
                    "high": px + 2,
                    "low": px - 1,
                    "close": px + 1,
                    "volume": 1000 + d,
                    "source": "CSV",
                }
            )
    return pd.DataFrame(rows).assign(ts=lambda f: pd.to_datetime(f["ts"], utc=True))


def test_upsert_bars_is_idempotent_and_loads_sorted(db) -> None:
    frame = _frame(["TCS", "INFY"], 3)
    with transaction(db.sessions) as s:
        assert upsert_bars(s, frame) == 6
    with transaction(db.sessions) as s:
        assert upsert_bars(s, frame) == 0
        assert upsert_bars(s, _frame(["TCS"], 4)) == 1
        assert count_bars(s, "1d") == 7
        out = load_bars_frame(s)
    assert list(out.columns) == [
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
    assert out["symbol"].tolist() == ["INFY"] * 3 + ["TCS"] * 4
    assert out["ts"].is_monotonic_increasing is False
    assert out.groupby("symbol")["ts"].apply(lambda s: s.is_monotonic_increasing).all()
    assert str(out["ts"].dt.tz) == "UTC"
    assert out.iloc[0]["close"] == pytest.approx(111.0)


def test_load_filters_and_latest(db) -> None:
    with transaction(db.sessions) as s:
        upsert_bars(s, _frame(["TCS", "INFY", "SBIN"], 5))
        some = load_bars_frame(
            s, symbols=["TCS"], start=T0 + timedelta(days=1), end=T0 + timedelta(days=3)
        )
        last = latest_bars(s, symbols=["TCS", "INFY"], as_of=T0 + timedelta(days=2, hours=1))
        none = load_bars_frame(s, interval="5m")
    assert some["ts"].tolist() == [pd.Timestamp(T0 + timedelta(days=k)) for k in (1, 2, 3)]
    assert last["symbol"].tolist() == ["INFY", "TCS"]
    assert (last["ts"] == pd.Timestamp(T0 + timedelta(days=2))).all()
    assert none.empty


def test_instruments_upsert_get_list_and_aliases(db) -> None:
    tcs = Instrument(
        "TCS",
        "NSE",
        name="Tata Consultancy Services Ltd.",
        isin="INE467B01029",
        sector="Information Technology",
        tick_size=Decimal("0.10"),
        instrument_key="NSE_EQ|INE467B01029",
    )
    infy = Instrument("INFY", "NSE", name="Infosys Ltd.", isin="INE009A01021")
    with transaction(db.sessions) as s:
        assert upsert_instruments(s, [tcs, infy], aliases={"TCS": ["TCS", "Tata Consultancy"]}) == 2
    with transaction(db.sessions) as s:
        assert upsert_instruments(s, [tcs]) == 0
        assert get_instrument(s, "TCS") == tcs
        assert get_instrument(s, "NOPE") is None
        assert [i.symbol for i in list_instruments(s)] == ["INFY", "TCS"]
        assert [i.symbol for i in list_instruments(s, ["INFY"])] == ["INFY"]
        assert instrument_aliases(s) == {"TCS": ["TCS", "Tata Consultancy"]}


def test_instrument_key_moves_with_a_rename_and_masters_keep_ticks(db) -> None:
    key = "NSE_EQ|INE155A01022"
    old = Instrument("TATAMOTORS", "NSE", name="Tata Motors Ltd.", instrument_key=key)
    new = Instrument("TMPV", "NSE", name="Tata Motors Passenger Vehicles Ltd.", instrument_key=key)
    known = Instrument("RELIANCE", "NSE", name="Reliance", tick_size=Decimal("0.10"))
    bare = Instrument("RELIANCE", "NSE", name="Reliance Industries Limited")
    with transaction(db.sessions) as s:
        upsert_instruments(s, [old, known])
    with transaction(db.sessions) as s:
        upsert_instruments(s, [new])
        assert upsert_instruments(s, [bare], update_ticks=False) == 1
    with transaction(db.sessions) as s:
        assert get_instrument(s, "TMPV").instrument_key == key
        assert get_instrument(s, "TATAMOTORS").instrument_key is None
        rel = get_instrument(s, "RELIANCE")
    assert rel.tick_size == Decimal("0.10")
    assert rel.name == "Reliance Industries Limited"


def test_bulk_path_orm_rows_and_bar_objects_share_one_key(db) -> None:
    """The bulk writers format ts exactly as the ORM column type does (one unique key)."""
    from store.models.market import BarRow

    with transaction(db.sessions) as s:
        s.add(
            BarRow(
                symbol="TCS",
                exchange="NSE",
                interval="1d",
                ts=T0,
                open=1.0,
                high=2.0,
                low=0.5,
                close=1.5,
                volume=10,
                source="CSV",
            )
        )
    with transaction(db.sessions) as s:
        assert upsert_bars(s, _frame(["TCS"], 2)) == 1
        got = load_bars_frame(s)
    assert got["ts"].tolist() == [pd.Timestamp(T0), pd.Timestamp(T0 + timedelta(days=1))]
    assert got["close"].tolist()[0] == 1.5
    assert got["oi"].isna().all()
    bars = [
        Bar("TCS", "NSE", iv, T0, 1.0, 2.0, 0.5, 1.5, 10, oi=7, source=DataSource.SIMULATED)
        for iv in ("1d", "5m")
    ]
    with transaction(db.sessions) as s:
        assert upsert_bars(s, bars) == 1  # the 1d one exists already; intervals are separate
        five = load_bars_frame(s, interval="5m")
    assert five["source"].tolist() == ["SIMULATED"]
    assert five["oi"].tolist() == [7]
