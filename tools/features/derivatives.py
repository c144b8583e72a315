"""Own the derivatives features: IV rank, put-call ratio and its change, OI change %, futures basis.

Input is raw daily records (see `tools.features.nse_files.RAW_COLUMNS`: one row per symbol and
session date, from the NSE F&O reports, option-chain snapshots or the live Upstox chain).
Output is one row per (symbol, date). A symbol or day without the needed input gets NaN, never 0.
Units: pcr is a ratio (put OI / call OI); pcr_delta its change since the symbol's previous record;
oi_change_percent and futures_basis in percent; iv_rank 0-100 within the trailing range.
"""

from __future__ import annotations

import pandas as pd

from core.errors import ValidationError
from tools.features.config import FeatureConfig
from tools.features.nse_files import RAW_COLUMNS

DERIV_COLUMNS = ("iv_rank", "pcr", "pcr_delta", "oi_change_percent", "futures_basis")


def combine_raw(*frames: pd.DataFrame) -> pd.DataFrame:
    """Merge raw records from several sources; for each field the first non-null value wins."""
    parts = [f.reindex(columns=list(RAW_COLUMNS)) for f in frames if f is not None and len(f)]
    if not parts:
        return pd.DataFrame(columns=list(RAW_COLUMNS))
    allrows = pd.concat(parts, ignore_index=True)
    allrows["date"] = pd.to_datetime(allrows["date"]).dt.date
    return allrows.groupby(["symbol", "date"], as_index=False, sort=True).first()


def derivative_features(raw: pd.DataFrame, config: FeatureConfig) -> pd.DataFrame:
    """Per (symbol, date): iv_rank, pcr, pcr_delta, oi_change_percent, futures_basis."""
    missing = [c for c in ("symbol", "date") if c not in raw.columns]
    if missing:
        raise ValidationError(f"derivatives frame lacks {missing}", field=missing[0])
    df = raw.reindex(columns=list(RAW_COLUMNS)).copy()
    df["date"] = pd.to_datetime(df["date"]).dt.date
    df = df.sort_values(["symbol", "date"], kind="stable").reset_index(drop=True)
    for col in ("fut_close", "fut_oi", "put_oi", "call_oi", "spot_close", "atm_iv"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    by = df.groupby("symbol", sort=False)
    call = df["call_oi"].where(df["call_oi"] > 0)
    df["pcr"] = df["put_oi"] / call
    df["pcr_delta"] = df["pcr"] - by["pcr"].shift(1)
    prev_oi = by["fut_oi"].shift(1).where(by["oi_unit"].shift(1) == df["oi_unit"])
    df["oi_change_percent"] = (df["fut_oi"] / prev_oi.where(prev_oi > 0) - 1.0) * 100.0
    spot = df["spot_close"].where(df["spot_close"] > 0)
    df["futures_basis"] = (df["fut_close"] / spot - 1.0) * 100.0
    df["iv_rank"] = _iv_rank(df, config)
    return df[["symbol", "date", *DERIV_COLUMNS, "fut_close", "spot_close"]]


def _iv_rank(df: pd.DataFrame, config: FeatureConfig) -> pd.Series:
    """(IV - trailing min) / (trailing max - trailing min) * 100 over the last observations."""
    roll = df.groupby("symbol", sort=False)["atm_iv"].rolling(
        config.iv_rank_lookback, min_periods=config.iv_rank_min_periods
    )
    lo = roll.min().reset_index(level=0, drop=True).sort_index()
    hi = roll.max().reset_index(level=0, drop=True).sort_index()
    span = (hi - lo).where(hi > lo)
    return ((df["atm_iv"] - lo) / span * 100.0).where(df["atm_iv"].notna())


def attach_previous_session(
    rows: pd.DataFrame,
    feats: pd.DataFrame,
    columns: tuple[str, ...],
    max_age_days: int,
    by: str | None = "symbol",
) -> pd.DataFrame:
    """For each row, the latest record dated strictly before the row's date (no look-ahead).

    rows needs `date_ns` (session date as datetime64) and, when `by` is set, that column.
    A record older than max_age_days calendar days is not carried forward.
    """
    right = feats.copy()
    right["date_ns"] = pd.to_datetime(right["date"]).astype("datetime64[ns]")
    right = right.sort_values("date_ns")
    left = rows.reset_index().sort_values("date_ns")
    merged = pd.merge_asof(
        left,
        right[["date_ns", *([by] if by else []), *columns]],
        on="date_ns",
        by=by,
        allow_exact_matches=False,
        tolerance=pd.Timedelta(days=max_age_days),
        direction="backward",
    )
    merged = merged.set_index("index").sort_index()
    return merged[list(columns)]


def raw_from_chain(summary: dict[str, float | None], symbol: str, day: object) -> pd.DataFrame:
    """One raw record from a live option-chain summary (see option_chain.summarize_chain)."""
    rec = {
        "symbol": symbol,
        "date": day,
        **{k: summary.get(k) for k in ("put_oi", "call_oi", "atm_iv", "spot_close")},
    }
    return pd.DataFrame([rec]).reindex(columns=list(RAW_COLUMNS))
