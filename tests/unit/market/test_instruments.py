"""Instrument master readers on the real NSE files and the shipped universe."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import ValidationError
from tools.market.instruments import (
    default_aliases,
    default_last_prices,
    default_listing_dates,
    default_universe,
    equity_l_listing_dates,
    load_equity_l,
    load_index_constituents,
)


def test_equity_l_real_file(shared_data: Path) -> None:
    path = shared_data / "reference" / "EQUITY_L_2026-01.csv"
    insts = {i.symbol: i for i in load_equity_l(path)}
    assert len(insts) > 2000
    rel = insts["RELIANCE"]
    assert rel.isin == "INE002A01018"
    assert rel.instrument_key == "NSE_EQ|INE002A01018"
    assert rel.name == "Reliance Industries Limited"
    assert rel.series == "EQ"
    assert equity_l_listing_dates(path)["20MICRONS"].isoformat() == "2008-10-06"


def test_index_constituents_real_file(shared_data: Path) -> None:
    insts = load_index_constituents(shared_data / "reference" / "ind_nifty500list_2026-02.csv")
    assert len(insts) == 501  # the file lists 501 names (the index briefly held 501)
    abb = next(i for i in insts if i.symbol == "ABB")
    assert (abb.sector, abb.isin) == ("Capital Goods", "INE117A01022")


def test_default_universe_matches_the_datasets(shared_data: Path) -> None:
    import pandas as pd

    ref = pd.read_csv(shared_data / "reference" / "nifty50_universe_in_datasets.csv")
    uni = {i.symbol: i for i in default_universe()}
    assert set(uni) == set(ref["symbol"])
    for row in ref.dropna(subset=["isin"]).itertuples():
        assert uni[row.symbol].isin == row.isin
        assert uni[row.symbol].sector == row.industry
        assert uni[row.symbol].instrument_key == f"NSE_EQ|{row.isin}"
    assert all(i.sector for i in uni.values())


def test_default_ticks_follow_the_price_schedule() -> None:
    uni = {i.symbol: i for i in default_universe()}
    prices = default_last_prices()
    assert prices["RELIANCE"] == pytest.approx(1544.40)
    assert uni["RELIANCE"].tick_size == Decimal("0.10")  # 1,000-5,000 band
    assert uni["ITC"].tick_size == Decimal("0.05")  # 250-1,000 band
    assert "TATAMOTORS" not in prices
    assert uni["TATAMOTORS"].tick_size == Decimal("0.05")  # unknown price: default


def test_aliases_and_listing_dates() -> None:
    aliases = default_aliases()
    assert aliases["RELIANCE"] == ["Reliance Industries", "RIL", "Reliance"]
    assert "Zomato" in aliases["ETERNAL"]
    assert len(aliases) == len(default_universe())
    assert default_listing_dates()["INFY"].isoformat() == "1995-02-08"


def test_bad_master_files_name_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "idx.csv"
    bad.write_text("Company Name,Industry,Symbol,Series\nA Ltd,IT,A,EQ\n")
    with pytest.raises(ValidationError, match="lacks columns"):
        load_index_constituents(bad)
    bad.write_text("Company Name,Industry,Symbol,Series,ISIN Code\nA,IT,A,EQ,INE1\n")
    with pytest.raises(ValidationError, match="row 2 has a malformed ISIN"):
        load_index_constituents(bad)
    bad.write_text(
        "Company Name,Industry,Symbol,Series,ISIN Code\n"
        "A,IT,A,EQ,INE117A01022\nB,IT,A,EQ,INE117A01023\n"
    )
    with pytest.raises(ValidationError, match="lists A twice"):
        load_index_constituents(bad)
