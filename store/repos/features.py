"""Own reads and writes of the `features` and `market_flows` tables (upserts, point-in-time reads).

A feature row's `timestamp` is when it became knowable (daily bars: the 15:30 IST close), so
`features_as_of(T)` can never return a row built from a bar that had not closed by T.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.clock import Clock, LiveClock, ensure_utc
from core.enums import AuditCategory
from core.errors import NotFound, ValidationError
from store.audit import AuditLog
from store.models.market import FeatureRow, MarketFlow

VALUE_COLUMNS = (
    "close",
    "momentum_5d",
    "momentum_10d",
    "momentum_20d",
    "atr_percent",
    "atr_14d",
    "rsi_14",
    "gap_percent",
    "gap_filled",
    "realized_vol_20d",
    "adv_20d_inr",
    "iv_rank",
    "pcr",
    "pcr_delta",
    "oi_change_percent",
    "futures_basis",
    "regime_label",
    "liquidity_regime",
    "fpi_flow_5d",
    "dii_flow_5d",
    "data_source",
)
TEXT_COLUMNS = ("gap_filled", "regime_label", "liquidity_regime", "data_source")
FLOAT_COLUMNS = tuple(c for c in VALUE_COLUMNS if c not in TEXT_COLUMNS)
READ_COLUMNS = ("id", "symbol", "exchange", "timestamp", *VALUE_COLUMNS, "computed_at")
BATCH_ROWS = 2_000


@dataclass(frozen=True, slots=True)
class FeatureSnapshot:
    """One stored feature row (None where a feature was not defined for that bar)."""

    id: int
    symbol: str
    exchange: str | None
    timestamp: datetime
    values: dict[str, Any]
    data_source: str | None
    computed_at: datetime | None

    def get(self, name: str) -> Any:
        """A feature value by column name."""
        return self.values.get(name)


def _insert(session: Session) -> Any:
    name = session.get_bind().dialect.name
    return postgresql.insert if name == "postgresql" else sqlite.insert


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return _clean(value.item())
    return value


def _feature_records(frame: pd.DataFrame, computed_at: datetime) -> list[dict[str, Any]]:
    for col in ("symbol", "timestamp"):
        if col not in frame.columns:
            raise ValidationError(f"features frame lacks column {col}", field=col)
    stamps = pd.to_datetime(frame["timestamp"])
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype):
        raise ValidationError("feature timestamps must be timezone-aware", field="timestamp")
    stamps = stamps.dt.tz_convert("UTC")
    exch = frame["exchange"] if "exchange" in frame.columns else pd.Series("NSE", frame.index)
    cols = [c for c in VALUE_COLUMNS if c in frame.columns]
    values = frame[cols].astype(object).to_numpy()
    out = []
    for i, (sym, ex, ts) in enumerate(zip(frame["symbol"], exch, stamps, strict=True)):
        if not isinstance(sym, str) or not sym:
            raise ValidationError(f"row {i}: symbol is missing", field="symbol")
        rec = {c: _clean(v) for c, v in zip(cols, values[i], strict=True)}
        rec.update(
            symbol=sym,
            exchange=_clean(ex) or "NSE",
            timestamp=ts.to_pydatetime(),
            computed_at=computed_at,
        )
        if rec.get("gap_filled") is not None:
            rec["gap_filled"] = bool(rec["gap_filled"])
        out.append(rec)
    return out


def write_features(session: Session, frame: pd.DataFrame, clock: Clock | None = None) -> int:
    """Upsert feature rows keyed on (symbol, exchange, timestamp); return how many were written.

    Writing the same frame twice leaves one row per key with the latest values. One audit
    entry records the write (rows, symbols, time range, sources).
    """
    clock = clock or LiveClock()
    now = clock.now()
    records = _feature_records(frame, now)
    if not records:
        return 0
    insert = _insert(session)
    update_cols = [c for c in records[0] if c not in ("symbol", "exchange", "timestamp")]
    stmt = insert(FeatureRow)
    stmt = stmt.on_conflict_do_update(
        index_elements=["symbol", "exchange", "timestamp"],
        set_={c: getattr(stmt.excluded, c) for c in update_cols},
    )
    for i in range(0, len(records), BATCH_ROWS):
        session.execute(stmt, records[i : i + BATCH_ROWS])
    stamps = [r["timestamp"] for r in records]
    AuditLog(clock, service_name="features").append(
        session,
        "features.write",
        {
            "rows": len(records),
            "symbols": len({r["symbol"] for r in records}),
            "first": min(stamps),
            "last": max(stamps),
            "sources": sorted({str(r.get("data_source")) for r in records}),
        },
        category=AuditCategory.FEATURES,
    )
    return len(records)


def _frame(session: Session, stmt: Any) -> pd.DataFrame:
    rows = session.execute(stmt).all()
    df = pd.DataFrame(rows, columns=list(READ_COLUMNS))
    for col in ("timestamp", "computed_at"):
        df[col] = pd.to_datetime(df[col], utc=True)
    df["gap_filled"] = df["gap_filled"].astype("boolean")
    for col in FLOAT_COLUMNS:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    return df


def _columns() -> list[Any]:
    return [getattr(FeatureRow, c) for c in READ_COLUMNS]


def features_as_of(
    session: Session, ts: datetime, symbols: Iterable[str] | None = None
) -> pd.DataFrame:
    """The latest row per (symbol, exchange) with timestamp <= ts, sorted by symbol."""
    ts = ensure_utc(ts)
    latest = select(
        FeatureRow.symbol, FeatureRow.exchange, func.max(FeatureRow.timestamp).label("max_ts")
    )
    latest = latest.where(FeatureRow.timestamp <= ts)
    if symbols is not None:
        latest = latest.where(FeatureRow.symbol.in_(list(symbols)))
    sub = latest.group_by(FeatureRow.symbol, FeatureRow.exchange).subquery()
    stmt = (
        select(*_columns())
        .join(
            sub,
            and_(
                FeatureRow.symbol == sub.c.symbol,
                FeatureRow.exchange == sub.c.exchange,
                FeatureRow.timestamp == sub.c.max_ts,
            ),
        )
        .order_by(FeatureRow.symbol, FeatureRow.exchange)
    )
    return _frame(session, stmt)


def feature_history(
    session: Session, symbols: Sequence[str] | None, start: datetime | None, end: datetime | None
) -> pd.DataFrame:
    """Rows with start <= timestamp <= end (None = open), sorted by symbol then timestamp."""
    stmt = select(*_columns())
    if symbols is not None:
        stmt = stmt.where(FeatureRow.symbol.in_(list(symbols)))
    if start is not None:
        stmt = stmt.where(FeatureRow.timestamp >= ensure_utc(start))
    if end is not None:
        stmt = stmt.where(FeatureRow.timestamp <= ensure_utc(end))
    return _frame(session, stmt.order_by(FeatureRow.symbol, FeatureRow.timestamp))


def get_feature_row(session: Session, feature_id: int) -> FeatureSnapshot:
    """One stored row by id; NotFound when there is none."""
    row = session.get(FeatureRow, feature_id)
    if row is None:
        raise NotFound(f"feature row {feature_id} not found")
    values = {c: getattr(row, c) for c in VALUE_COLUMNS if c != "data_source"}
    return FeatureSnapshot(
        id=row.id,
        symbol=row.symbol,
        exchange=row.exchange,
        timestamp=row.timestamp,
        values=values,
        data_source=row.data_source,
        computed_at=row.computed_at,
    )


def write_flows(session: Session, records: Iterable[Any], clock: Clock | None = None) -> int:
    """Upsert daily flow records (attributes date, category, buy_cr, sell_cr, net_cr, source)."""
    rows = [
        {
            "date": r.date,
            "category": r.category,
            "buy_cr": r.buy_cr,
            "sell_cr": r.sell_cr,
            "net_cr": Decimal(r.net_cr),
            "source": r.source,
        }
        for r in records
    ]
    if not rows:
        return 0
    insert = _insert(session)
    stmt = insert(MarketFlow).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["date", "category"],
        set_={c: getattr(stmt.excluded, c) for c in ("buy_cr", "sell_cr", "net_cr", "source")},
    )
    session.execute(stmt)
    AuditLog(clock or LiveClock(), service_name="features").append(
        session,
        "flows.write",
        {
            "rows": len(rows),
            "first": min(r["date"] for r in rows),
            "last": max(r["date"] for r in rows),
        },
        category=AuditCategory.INGESTION,
    )
    return len(rows)


def load_flows(
    session: Session, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Daily wide frame: date, fii_net_cr, dii_net_cr (floats, ₹ crore), sorted by date."""
    stmt = select(MarketFlow.date, MarketFlow.category, MarketFlow.net_cr)
    if start is not None:
        stmt = stmt.where(MarketFlow.date >= start)
    if end is not None:
        stmt = stmt.where(MarketFlow.date <= end)
    long = pd.DataFrame(session.execute(stmt).all(), columns=["date", "category", "net"])
    if long.empty:
        return pd.DataFrame(columns=["date", "fii_net_cr", "dii_net_cr"])
    long["net"] = long["net"].astype(float)
    wide = long.pivot_table(index="date", columns="category", values="net", aggfunc="last")
    return pd.DataFrame(
        {"date": wide.index, "fii_net_cr": wide.get("FII"), "dii_net_cr": wide.get("DII")}
    ).reset_index(drop=True)
