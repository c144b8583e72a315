"""Own daily-bar importers (long-format OHLCV CSVs, NSE bhavcopy): parse, validate, store once."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from core.enums import AuditCategory, DataSource
from core.errors import ValidationError
from store.audit import AuditLog
from store.repos.market import bar_sources, upsert_bars
from tools.market.calendar import NseCalendar

REQUIRED = ("date", "symbol", "open", "high", "low", "close", "volume")
PRICES = ("open", "high", "low", "close")
BHAV_SERIES = ("EQ", "BE")
EXAMPLES_PER_REASON = 3
MIN_SYMBOLS_FOR_HOLIDAY = 5
# Prices in the shared files are rounded to 4 dp, so allow that much slack in range checks.
RANGE_TOLERANCE = 1e-4
# 09:15 IST is 03:45 UTC (India has no daylight saving).
DAILY_BAR_OFFSET = pd.Timedelta(hours=3, minutes=45)
_BHAV_COLUMNS = {
    "SYMBOL": "symbol",
    "SERIES": "series",
    "DATE1": "date",
    "OPEN_PRICE": "open",
    "HIGH_PRICE": "high",
    "LOW_PRICE": "low",
    "CLOSE_PRICE": "close",
    "TTL_TRD_QNTY": "volume",
}
ProgressFn = Callable[[int, int], None]


@dataclass
class ImportReport:
    """What an import read, stored, skipped (rejected) and flagged (kept but suspicious)."""

    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_valid: int = 0
    inserted: int = 0
    duplicates: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    other_sources: dict[str, int] = field(default_factory=dict)
    flagged: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def note(self, reason: str, rows: pd.DataFrame, *, rejected: bool) -> None:
        """Count rows under reason and keep the first few as examples."""
        if rows.empty:
            return
        (self.skipped if rejected else self.flagged)[reason] += len(rows)
        keep = self.examples.setdefault(reason, [])
        for rec in rows.head(EXAMPLES_PER_REASON - len(keep)).to_dict("records"):
            keep.append({str(k): _plain(v) for k, v in rec.items()})

    def merge(self, other: ImportReport) -> None:
        """Add other's counts and examples to this report."""
        self.files.extend(other.files)
        self.rows_read += other.rows_read
        self.rows_valid += other.rows_valid
        self.inserted += other.inserted
        self.duplicates += other.duplicates
        self.skipped.update(other.skipped)
        self.flagged.update(other.flagged)
        for reason, rows in other.examples.items():
            keep = self.examples.setdefault(reason, [])
            keep.extend(rows[: EXAMPLES_PER_REASON - len(keep)])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (for the audit trail and the CLI)."""
        return {
            "files": list(self.files),
            "rows_read": self.rows_read,
            "rows_valid": self.rows_valid,
            "inserted": self.inserted,
            "duplicates": self.duplicates,
            "skipped": dict(self.skipped),
            "flagged": dict(self.flagged),
            "other_sources": dict(self.other_sources),
            "examples": self.examples,
            "seconds": round(self.seconds, 3),
        }


def _plain(value: Any) -> Any:
    if value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def source_of(path: Path) -> DataSource:
    """Provenance label from the file name (yf_* is Yahoo, upstox_* is Upstox, bhavcopy is NSE)."""
    name = path.name.lower()
    if name.startswith("sec_bhavdata_full"):
        return DataSource.NSE_BHAVCOPY
    if name.startswith("yf_"):
        return DataSource.YFINANCE
    if name.startswith("upstox"):
        return DataSource.UPSTOX
    return DataSource.CSV


def _csv_files(path: Path, pattern: str) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.rglob(pattern) if p.name.endswith((".csv", ".csv.gz")))
        if not files:
            raise ValidationError(f"no {pattern} files under {path}", field="path")
        return files
    if not path.exists():
        raise ValidationError(f"{path} does not exist", field="path")
    return [path]


def read_ohlcv_csv(
    path: str | Path, calendar: NseCalendar | None = None
) -> tuple[pd.DataFrame, ImportReport]:
    """Read one long-format daily OHLCV CSV (gzipped or not) or every such CSV under a directory.

    Accepts `date,symbol,open,high,low,close[,adj_close],volume`; `timestamp` is read as `date`.
    adj_close is never stored (see docs/market.md: it is negative in some yfinance rows).
    """
    cal = calendar or NseCalendar()
    frames, report = [], ImportReport()
    for file in _csv_files(Path(path), "*.csv*"):
        raw = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[""])
        raw.columns = [c.strip().lower() for c in raw.columns]
        raw = raw.rename(columns={"timestamp": "date"})
        frame, rep = _validate(raw, file, source_of(file), cal)
        frames.append(frame)
        report.merge(rep)
    return _concat(frames), report


def read_bhavcopy(
    path: str | Path, calendar: NseCalendar | None = None
) -> tuple[pd.DataFrame, ImportReport]:
    """Read NSE `sec_bhavdata_full_DDMMYYYY.csv(.gz)` files (one, or all under a directory).

    Only series EQ and BE (trade-for-trade) are equity cash bars; rows of other series (bonds,
    SME, ETFs...) are skipped under `other_series` (by design, not as errors). Line numbers in
    the examples of other reasons count only the kept EQ/BE rows.
    """
    cal = calendar or NseCalendar()
    frames, report = [], ImportReport()
    for file in _csv_files(Path(path), "sec_bhavdata_full_*"):
        raw = pd.read_csv(
            file, dtype=str, skipinitialspace=True, keep_default_na=False, na_values=["", "-"]
        )
        raw.columns = [c.strip().upper() for c in raw.columns]
        missing = [c for c in _BHAV_COLUMNS if c not in raw.columns]
        if missing:
            raise ValidationError(f"{file.name} lacks bhavcopy columns {missing}", field="columns")
        raw = raw.rename(columns=_BHAV_COLUMNS)[list(_BHAV_COLUMNS.values())]
        raw["series"] = raw["series"].str.strip()
        other = ~raw["series"].isin(BHAV_SERIES)
        rep = ImportReport()
        lines = np.arange(2, len(raw) + 2)
        rep.note(
            "other_series", raw[other].assign(file=file.name, line=lines[other]), rejected=True
        )
        raw = raw[~other].drop(columns="series")
        raw["date"] = pd.to_datetime(raw["date"], format="%d-%b-%Y", errors="coerce").dt.strftime(
            "%Y-%m-%d"
        )
        frame, vrep = _validate(raw, file, DataSource.NSE_BHAVCOPY, cal)
        rep.merge(vrep)
        rep.rows_read += int(other.sum())
        frames.append(frame)
        report.merge(rep)
    return _concat(frames), report


def _concat(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=["symbol", "exchange", "ts", *PRICES, "volume", "oi", "source"])
    return pd.concat(frames, ignore_index=True)


def _validate(
    raw: pd.DataFrame, file: Path, source: DataSource, cal: NseCalendar
) -> tuple[pd.DataFrame, ImportReport]:
    """Reject broken rows, flag odd ones, and return the clean long-format frame."""
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise ValidationError(f"{file.name} lacks columns {missing}", field="columns")
    report = ImportReport(files=[str(file)], rows_read=len(raw))
    df = raw.copy()
    df.insert(0, "line", np.arange(2, len(df) + 2))
    df.insert(0, "file", file.name)
    df = _parse_fields(df, report)
    df = _reject_bad_prices(df, report)
    df = _check_calendar(df, report, cal)
    dup = df.duplicated(["symbol", "date"], keep="first")
    report.note("duplicate_in_file", df[dup], rejected=True)
    df = df[~dup]
    if "adj_close" in df.columns:
        adj = pd.to_numeric(df["adj_close"], errors="coerce")
        report.note("negative_adj_close", df[adj < 0], rejected=False)
    report.rows_valid = len(df)
    out = pd.DataFrame(
        {
            "symbol": df["symbol"],
            "exchange": "NSE",
            "ts": (df["date"] + DAILY_BAR_OFFSET).dt.tz_localize("UTC"),
            "open": df["open"],
            "high": df["high"],
            "low": df["low"],
            "close": df["close"],
            "volume": df["volume"].astype("int64"),
            "oi": pd.array([None] * len(df), dtype="Int64"),
            "source": str(source),
        }
    )
    return out.reset_index(drop=True), report


def _parse_fields(df: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    df["symbol"] = df["symbol"].str.strip().str.upper()
    df["date"] = pd.to_datetime(df["date"].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    for col in (*PRICES, "volume"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    bad = df[["symbol", "date", *PRICES, "volume"]].isna().any(axis=1)
    bad |= df["symbol"].eq("")
    bad |= df["volume"].notna() & (df["volume"] % 1 != 0)
    report.note("missing_field", df[bad], rejected=True)
    return df[~bad]


def _reject_bad_prices(df: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    for reason, check in _PRICE_CHECKS:
        mask = check(df)
        report.note(reason, df[mask], rejected=True)
        df = df[~mask]
    return df


def _outside_range(df: pd.DataFrame) -> pd.Series:
    body = df[["open", "close"]]
    return (body.max(axis=1) > df["high"] + RANGE_TOLERANCE) | (
        body.min(axis=1) < df["low"] - RANGE_TOLERANCE
    )


_PRICE_CHECKS: tuple[tuple[str, Callable[[pd.DataFrame], pd.Series]], ...] = (
    ("negative_price", lambda d: (d[list(PRICES)] <= 0).any(axis=1)),
    ("negative_volume", lambda d: d["volume"] < 0),
    ("high_below_low", lambda d: d["high"] < d["low"]),
    ("ohlc_outside_range", _outside_range),
)


def _check_calendar(df: pd.DataFrame, report: ImportReport, cal: NseCalendar) -> pd.DataFrame:
    """Zero volume on a holiday is a filler row (rejected); other oddities are kept and flagged."""
    zero = df["volume"] == 0
    session = session_mask(df["date"], cal) & ~_market_wide_zero(df)
    report.note("zero_volume", df[zero & ~session], rejected=True)
    report.note("zero_volume_session", df[zero & session], rejected=False)
    report.note("non_session_date", df[~zero & ~session], rejected=False)
    return df[~(zero & ~session)]


def _market_wide_zero(df: pd.DataFrame) -> pd.Series:
    """Dates on which every one of at least MIN_SYMBOLS_FOR_HOLIDAY rows traded nothing: a holiday
    the calendar cannot know (before its coverage starts)."""
    by_date = df.groupby("date")["volume"]
    rows, traded = by_date.transform("size"), by_date.transform("max")
    return (rows >= MIN_SYMBOLS_FOR_HOLIDAY) & (traded == 0)


def session_mask(dates: pd.Series, cal: NseCalendar) -> pd.Series:
    """Vectorised `cal.is_session` for a datetime64 Series (weekday fallback outside coverage)."""
    days = dates.dt.date
    first, last = cal.first_known, cal.last_known
    covered = (days >= first) & (days <= last)
    if (~covered).any():
        cal.used_fallback = True
    known = days.isin(cal.sessions(first, last))
    return pd.Series(known.where(covered, dates.dt.dayofweek < 5).astype(bool))


def import_bars(
    session: Session,
    paths: Iterable[str | Path],
    progress: ProgressFn | None = None,
    *,
    audit: AuditLog | None = None,
    kind: str = "auto",
) -> ImportReport:
    """Read, validate and store daily bars from OHLCV CSVs and/or bhavcopies; safe to re-run.

    kind is "ohlcv", "bhavcopy" or "auto" (by file name). Rows already stored count as
    duplicates. `progress(done, total)` is called as rows are written. With `audit`, one
    INGESTION entry carrying the report is appended in the same transaction.
    """
    started = time.perf_counter()
    cal = NseCalendar()
    report, frames = ImportReport(), []
    for path in paths:
        frame, rep = _read_path(Path(path), kind, cal)
        frames.append(frame)
        report.merge(rep)
    total = sum(len(f) for f in frames)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    report.other_sources = _other_sources(session, frames)
    for frame in frames:
        report.inserted += upsert_bars(session, frame, interval="1d", progress=advance)
    report.duplicates = report.rows_valid - report.inserted
    report.seconds = time.perf_counter() - started
    if audit is not None:
        audit.append(
            session,
            "market.bars_imported",
            {**report.to_dict(), "calendar_fallback": cal.used_fallback},
            category=AuditCategory.INGESTION,
        )
    return report


def _other_sources(session: Session, frames: Sequence[pd.DataFrame]) -> dict[str, int]:
    """Stored bars that overlap the import but carry another source label.

    The bars key has no source, so an overlapping import keeps the stored rows; callers warn.
    """
    frames = [f for f in frames if not f.empty]
    if not frames:
        return {}
    symbols = sorted(set().union(*(set(f["symbol"]) for f in frames)))
    start = min(f["ts"].min() for f in frames).to_pydatetime()
    end = max(f["ts"].max() for f in frames).to_pydatetime()
    ours = set().union(*(set(f["source"]) for f in frames))
    stored = bar_sources(session, symbols, start, end, "1d")
    return {src: n for src, n in stored.items() if src not in ours}


def _read_path(path: Path, kind: str, cal: NseCalendar) -> tuple[pd.DataFrame, ImportReport]:
    if kind not in ("auto", "ohlcv", "bhavcopy"):
        raise ValidationError(f"unknown import kind {kind!r}", field="kind")
    is_bhav = kind == "bhavcopy" or (
        kind == "auto" and path.name.lower().startswith("sec_bhavdata_full")
    )
    return read_bhavcopy(path, cal) if is_bhav else read_ohlcv_csv(path, cal)
