"""Own reads and writes of instruments and price bars (idempotent bulk upserts, frame loaders)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

import pandas as pd
import psycopg
from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.orm import Session

from core.clock import ensure_utc
from core.domain import Bar, Instrument
from store.models.market import BarRow
from store.models.market import Instrument as InstrumentRow

BAR_COLUMNS = ["symbol", "exchange", "ts", "open", "high", "low", "close", "volume", "oi", "source"]
BATCH_ROWS = 20_000
_BAR_KEY = ["symbol", "exchange", "interval", "ts"]
_STAGE_COLS = (
    "symbol",
    "exchange",
    "interval",
    "ts",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "oi",
    "source",
)
_PG_STAGE_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS _bars_stage (symbol text, exchange text, interval text, "
    "ts timestamptz, open float8, high float8, low float8, close float8, volume bigint, "
    "oi bigint, source text) ON COMMIT DROP"
)
_INSTRUMENT_FIELDS = (
    "name",
    "isin",
    "sector",
    "industry",
    "lot_size",
    "tick_size",
    "instrument_key",
    "series",
    "market_cap_cr",
)


def upsert_instruments(
    session: Session,
    instruments: Iterable[Instrument],
    *,
    aliases: Mapping[str, Sequence[str]] | None = None,
    listing_dates: Mapping[str, date] | None = None,
    update_ticks: bool = True,
) -> int:
    """Insert or update instruments keyed on (symbol, exchange); return how many rows changed.

    Pass update_ticks=False for masters that carry no tick size (EQUITY_L, index lists), so a
    tick learnt from the broker's instrument master is not overwritten by the 0.05 default.

    An instrument_key (NSE_EQ|ISIN) belongs to one symbol at a time: when a symbol is renamed
    (TATAMOTORS -> TMPV) the last load wins and the previous holder loses the key.
    """
    items = list(instruments)
    existing = {(r.symbol, r.exchange): r for r in session.scalars(select(InstrumentRow))}
    _release_moved_keys(session, items)
    changed = 0
    for inst in items:
        values: dict[str, Any] = {f: getattr(inst, f) for f in _INSTRUMENT_FIELDS}
        if aliases and inst.symbol in aliases:
            values["aliases"] = "|".join(aliases[inst.symbol])
        if listing_dates and inst.symbol in listing_dates:
            values["listing_date"] = listing_dates[inst.symbol]
        row = existing.get((inst.symbol, inst.exchange))
        if row is not None and not update_ticks:
            values.pop("tick_size")
        if row is None:
            row = InstrumentRow(
                symbol=inst.symbol, exchange=inst.exchange, is_active=True, **values
            )
            session.add(row)
            existing[(inst.symbol, inst.exchange)] = row
            changed += 1
        elif _apply(row, values):
            changed += 1
    session.flush()
    return changed


def _release_moved_keys(session: Session, items: Sequence[Instrument]) -> None:
    wanted = {i.instrument_key: (i.symbol, i.exchange) for i in items if i.instrument_key}
    if not wanted:
        return
    holders = session.execute(
        select(
            InstrumentRow.id,
            InstrumentRow.symbol,
            InstrumentRow.exchange,
            InstrumentRow.instrument_key,
        ).where(InstrumentRow.instrument_key.in_(list(wanted)))
    ).all()
    stale = [h.id for h in holders if wanted[h.instrument_key] != (h.symbol, h.exchange)]
    if stale:
        session.execute(
            update(InstrumentRow).where(InstrumentRow.id.in_(stale)).values(instrument_key=None)
        )
        session.flush()
        session.expire_all()


def _apply(row: InstrumentRow, values: Mapping[str, Any]) -> bool:
    dirty = False
    for key, value in values.items():
        if value is not None and getattr(row, key) != value:
            setattr(row, key, value)
            dirty = True
    return dirty


def get_instrument(session: Session, symbol: str, exchange: str = "NSE") -> Instrument | None:
    """Return the instrument, or None when it is not in the master."""
    row = session.scalars(
        select(InstrumentRow).where(
            InstrumentRow.symbol == symbol, InstrumentRow.exchange == exchange
        )
    ).first()
    return _to_instrument(row) if row else None


def list_instruments(session: Session, symbols: Iterable[str] | None = None) -> list[Instrument]:
    """Every active instrument (or only the given symbols), sorted by symbol."""
    stmt = select(InstrumentRow).where(InstrumentRow.is_active.is_(True))
    if symbols is not None:
        stmt = stmt.where(InstrumentRow.symbol.in_(list(symbols)))
    return [_to_instrument(r) for r in session.scalars(stmt.order_by(InstrumentRow.symbol))]


def instrument_aliases(session: Session) -> dict[str, list[str]]:
    """symbol -> common names (for matching headlines to instruments)."""
    rows = session.execute(
        select(InstrumentRow.symbol, InstrumentRow.aliases).where(
            InstrumentRow.aliases.is_not(None)
        )
    ).all()
    return {r.symbol: [a for a in r.aliases.split("|") if a] for r in rows}


def _to_instrument(row: InstrumentRow) -> Instrument:
    return Instrument(
        symbol=row.symbol,
        exchange=row.exchange,
        name=row.name or "",
        isin=row.isin,
        sector=row.sector,
        industry=row.industry,
        lot_size=row.lot_size,
        tick_size=Decimal(row.tick_size).quantize(Decimal("0.01")),
        instrument_key=row.instrument_key,
        series=row.series or "EQ",
        market_cap_cr=row.market_cap_cr,
    )


def upsert_bars(
    session: Session,
    bars: pd.DataFrame | Iterable[Bar],
    *,
    interval: str = "1d",
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
) -> int:
    """INSERT ... ON CONFLICT DO NOTHING on (symbol, exchange, interval, ts); return rows inserted.

    A DataFrame needs the long-format columns (symbol, ts, open, high, low, close, volume; optional
    exchange, interval, oi, source); `interval` applies when it has no interval column.
    Postgres gets COPY into a staging table; SQLite a plain executemany. `progress(n)` is called
    after each batch with the number of rows it handled.
    """
    frame = _normalise(bars if isinstance(bars, pd.DataFrame) else _bars_frame(bars), interval)
    pg = session.get_bind().dialect.name == "postgresql"
    inserted = 0
    for start in range(0, len(frame), batch_rows):
        chunk = frame.iloc[start : start + batch_rows]
        inserted += _pg_copy_batch(session, chunk) if pg else _sqlite_batch(session, chunk)
        if progress is not None:
            progress(len(chunk))
    return inserted


def _bars_frame(bars: Iterable[Bar]) -> pd.DataFrame:
    rows = [{**asdict(b), "ts": ensure_utc(b.ts), "source": str(b.source)} for b in bars]
    return pd.DataFrame(rows, columns=list(_STAGE_COLS))


def _normalise(df: pd.DataFrame, interval: str) -> pd.DataFrame:
    """The staging columns in order, ts as UTC, numbers typed; refuses naive timestamps."""
    if df.empty:
        return pd.DataFrame(columns=list(_STAGE_COLS))
    ts = pd.to_datetime(df["ts"])
    if ts.dt.tz is None:
        raise ValueError("bars frame: ts must be timezone-aware")
    out = pd.DataFrame(
        {
            "symbol": df["symbol"].astype(str),
            "exchange": df["exchange"].astype(str) if "exchange" in df else "NSE",
            "interval": df["interval"].astype(str) if "interval" in df else interval,
            "ts": ts.dt.tz_convert("UTC"),
            **{c: df[c].astype("float64") for c in ("open", "high", "low", "close")},
            "volume": df["volume"].astype("int64"),
            "oi": df["oi"].astype("Int64") if "oi" in df else pd.array([pd.NA] * len(df), "Int64"),
            "source": df["source"].astype(str) if "source" in df else None,
        }
    )
    return out.reset_index(drop=True)


def _sqlite_batch(session: Session, chunk: pd.DataFrame) -> int:
    """executemany of INSERT ... ON CONFLICT DO NOTHING; rowcount sums the rows really added.

    ts is written in SQLAlchemy's SQLite DATETIME text form (naive UTC, microseconds), exactly as
    the UTCDateTime column type stores it, so rows written either way share one unique key.
    """
    stamps = chunk["ts"].dt.tz_localize(None).dt.strftime("%Y-%m-%d %H:%M:%S.%f")
    oi = [None if pd.isna(v) else int(v) for v in chunk["oi"].tolist()]
    cols = [chunk[c].tolist() for c in ("symbol", "exchange", "interval")]
    nums = [chunk[c].tolist() for c in ("open", "high", "low", "close", "volume")]
    rows = list(zip(*cols, stamps.tolist(), *nums, oi, chunk["source"].tolist(), strict=True))
    marks = ", ".join("?" * len(_STAGE_COLS))
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None  # noqa: S101 - a live connection always has one
    cur = dbapi.cursor()
    try:
        cur.executemany(
            f"INSERT INTO bars ({', '.join(_STAGE_COLS)}) VALUES ({marks}) "  # noqa: S608
            "ON CONFLICT (symbol, exchange, interval, ts) DO NOTHING",
            rows,
        )
        return int(cur.rowcount)
    finally:
        cur.close()


def _pg_copy_batch(session: Session, chunk: pd.DataFrame) -> int:
    """COPY the chunk (as CSV) into a temp table, then INSERT ... SELECT ... ON CONFLICT."""
    conn = session.connection()
    conn.exec_driver_sql(_PG_STAGE_DDL)
    conn.exec_driver_sql("TRUNCATE _bars_stage")
    cols = ", ".join(_STAGE_COLS)
    body = chunk.to_csv(header=False, index=False, date_format="%Y-%m-%d %H:%M:%S.%f+00:00")
    dbapi = cast(psycopg.Connection[Any], conn.connection.dbapi_connection)
    with (
        dbapi.cursor() as cur,
        cur.copy(f"COPY _bars_stage ({cols}) FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        copy.write(body)
    result = conn.exec_driver_sql(
        f"INSERT INTO bars ({cols}) SELECT {cols} FROM _bars_stage "  # noqa: S608 - fixed names
        "ON CONFLICT (symbol, exchange, interval, ts) DO NOTHING"
    )
    return int(result.rowcount)


def load_bars_frame(
    session: Session,
    symbols: Iterable[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    interval: str = "1d",
) -> pd.DataFrame:
    """Bars in long format (BAR_COLUMNS), ts as UTC datetimes, sorted by symbol then ts.

    start and end are inclusive aware datetimes.
    """
    cols = [getattr(BarRow, c) for c in BAR_COLUMNS]
    stmt = select(*cols).where(BarRow.interval == interval)
    if symbols is not None:
        stmt = stmt.where(BarRow.symbol.in_(list(symbols)))
    if start is not None:
        stmt = stmt.where(BarRow.ts >= ensure_utc(start))
    if end is not None:
        stmt = stmt.where(BarRow.ts <= ensure_utc(end))
    return _frame(session, stmt.order_by(BarRow.symbol, BarRow.ts))


def latest_bars(
    session: Session,
    symbols: Iterable[str] | None = None,
    as_of: datetime | None = None,
    interval: str = "1d",
) -> pd.DataFrame:
    """The most recent bar per (symbol, exchange) at or before as_of, sorted by symbol."""
    conds = [BarRow.interval == interval]
    if symbols is not None:
        conds.append(BarRow.symbol.in_(list(symbols)))
    if as_of is not None:
        conds.append(BarRow.ts <= ensure_utc(as_of))
    last = (
        select(BarRow.symbol, BarRow.exchange, func.max(BarRow.ts).label("max_ts"))
        .where(*conds)
        .group_by(BarRow.symbol, BarRow.exchange)
        .subquery()
    )
    cols = [getattr(BarRow, c) for c in BAR_COLUMNS]
    stmt = (
        select(*cols)
        .join(
            last,
            and_(
                BarRow.symbol == last.c.symbol,
                BarRow.exchange == last.c.exchange,
                BarRow.ts == last.c.max_ts,
            ),
        )
        .where(BarRow.interval == interval)
    )
    return _frame(session, stmt.order_by(BarRow.symbol, BarRow.exchange))


def bar_sources(
    session: Session,
    symbols: Iterable[str],
    start: datetime,
    end: datetime,
    interval: str = "1d",
) -> dict[str, int]:
    """How many stored bars of these symbols in [start, end] carry each source label."""
    stmt = (
        select(BarRow.source, func.count())
        .where(
            BarRow.interval == interval,
            BarRow.symbol.in_(list(symbols)),
            BarRow.ts >= ensure_utc(start),
            BarRow.ts <= ensure_utc(end),
        )
        .group_by(BarRow.source)
    )
    return {str(src): int(n) for src, n in session.execute(stmt).all()}


def count_bars(session: Session, interval: str | None = None) -> int:
    """Number of stored bars (optionally of one interval)."""
    stmt = select(func.count()).select_from(BarRow)
    if interval is not None:
        stmt = stmt.where(BarRow.interval == interval)
    return int(session.scalar(stmt) or 0)


def _frame(session: Session, stmt: Select[Any]) -> pd.DataFrame:
    rows = session.execute(stmt).all()
    df = pd.DataFrame.from_records(rows, columns=BAR_COLUMNS)
    df["ts"] = pd.to_datetime(df["ts"], utc=True)
    for c in ("open", "high", "low", "close"):
        df[c] = df[c].astype("float64")
    df["volume"] = df["volume"].astype("int64")
    df["oi"] = df["oi"].astype("Int64")
    return df
