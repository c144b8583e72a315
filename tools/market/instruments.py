"""Own the instrument master readers: NSE EQUITY_L, index constituents, the shipped universe."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from core.domain import Instrument
from core.errors import ValidationError
from core.money import default_tick_inr

DEFAULT_TICK = Decimal("0.05")
_EQUITY_L = {
    "SYMBOL": "symbol",
    "NAME OF COMPANY": "name",
    "SERIES": "series",
    "DATE OF LISTING": "listing_date",
    "MARKET LOT": "lot",
    "ISIN NUMBER": "isin",
}
_INDEX = {
    "Company Name": "name",
    "Industry": "sector",
    "Symbol": "symbol",
    "Series": "series",
    "ISIN Code": "isin",
}
_UNIVERSE = ("symbol", "name", "sector", "isin", "listing_date", "last_price", "aliases")


def instrument_key(isin: str | None) -> str | None:
    """Upstox-style key of an NSE equity: NSE_EQ|<ISIN>."""
    return f"NSE_EQ|{isin}" if isin else None


def _read(path: Path | str, columns: dict[str, str] | tuple[str, ...]) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise ValidationError(f"{path} does not exist", field="path")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    wanted = list(columns)
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise ValidationError(f"{path.name} lacks columns {missing}", field="columns")
    df = df[wanted].apply(lambda col: col.str.strip())
    if isinstance(columns, dict):
        df = df.rename(columns=columns)
    _check_rows(df, path.name)
    return pd.DataFrame(df)


def _check_rows(df: pd.DataFrame, name: str) -> None:
    empty = df.index[df["symbol"] == ""].tolist()
    if empty:
        raise ValidationError(f"{name} row {empty[0] + 2} has no symbol", field="symbol")
    dup = df["symbol"][df["symbol"].duplicated()].tolist()
    if dup:
        raise ValidationError(f"{name} lists {dup[0]} twice", field="symbol")
    bad = df.index[(df["isin"] != "") & (df["isin"].str.len() != 12)].tolist()
    if bad:
        raise ValidationError(f"{name} row {bad[0] + 2} has a malformed ISIN", field="isin")


def load_equity_l(path: Path | str) -> list[Instrument]:
    """Every security of NSE's EQUITY_L.csv (all series), with lot size and ISIN.

    Tick size is left at 0.05: the real tick comes from the broker's instrument master.
    """
    df = _read(path, _EQUITY_L)
    out = []
    for r in df.itertuples(index=False):
        lot = int(str(r.lot)) if str(r.lot).isdigit() and int(str(r.lot)) > 0 else 1
        out.append(
            Instrument(
                symbol=str(r.symbol),
                exchange="NSE",
                name=str(r.name),
                isin=str(r.isin) or None,
                series=str(r.series) or "EQ",
                lot_size=lot,
                tick_size=DEFAULT_TICK,
                instrument_key=instrument_key(str(r.isin) or None),
            )
        )
    return out


def equity_l_listing_dates(path: Path | str) -> dict[str, date]:
    """symbol -> listing date from EQUITY_L.csv (dates like 06-OCT-2008)."""
    df = _read(path, _EQUITY_L)
    parsed = pd.to_datetime(df["listing_date"], format="%d-%b-%Y", errors="coerce")
    return {s: d.date() for s, d in zip(df["symbol"], parsed, strict=True) if not pd.isna(d)}


def load_index_constituents(path: Path | str) -> list[Instrument]:
    """Constituents from a niftyindices list (ind_nifty500list.csv format), industry as sector."""
    df = _read(path, _INDEX)
    return [
        Instrument(
            symbol=str(r.symbol),
            exchange="NSE",
            name=str(r.name),
            isin=str(r.isin) or None,
            sector=str(r.sector) or None,
            series=str(r.series) or "EQ",
            tick_size=DEFAULT_TICK,
            instrument_key=instrument_key(str(r.isin) or None),
        )
        for r in df.itertuples(index=False)
    ]


@lru_cache(maxsize=1)
def _universe_frame() -> pd.DataFrame:
    ref = resources.files("tools.market").joinpath("data/nifty50.csv")
    with resources.as_file(ref) as path:
        return _read(path, _UNIVERSE)


def default_universe() -> list[Instrument]:
    """The shipped NIFTY 50 universe (current and recent members seen in the shared data).

    Tick size follows NSE's price-band schedule at the last known close (18 Dec 2025 bhavcopy),
    else 0.05; the broker's instrument master is the real source of ticks.
    """
    out = []
    for r in _universe_frame().itertuples(index=False):
        tick = default_tick_inr(r.last_price) if r.last_price else DEFAULT_TICK
        out.append(
            Instrument(
                symbol=str(r.symbol),
                exchange="NSE",
                name=str(r.name),
                isin=str(r.isin) or None,
                sector=str(r.sector) or None,
                tick_size=tick,
                instrument_key=instrument_key(str(r.isin) or None),
            )
        )
    return out


def default_aliases() -> dict[str, list[str]]:
    """symbol -> common names used in headlines (e.g. RELIANCE -> Reliance Industries, RIL)."""
    df = _universe_frame()
    return {
        s: [a for a in al.split("|") if a]
        for s, al in zip(df["symbol"], df["aliases"], strict=True)
    }


def default_listing_dates() -> dict[str, date]:
    """symbol -> NSE listing date for the shipped universe."""
    df = _universe_frame()
    return {
        s: datetime.strptime(d, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar date
        for s, d in zip(df["symbol"], df["listing_date"], strict=True)
        if d
    }


def default_last_prices() -> dict[str, float]:
    """symbol -> last known close (₹) in the shipped universe, where known."""
    df = _universe_frame()
    return {s: float(p) for s, p in zip(df["symbol"], df["last_price"], strict=True) if p}
