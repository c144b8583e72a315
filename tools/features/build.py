"""Own the full feature build: bars (+ flows, derivatives, VIX) in, one `features` row per bar out.

Row times: `ts` is the bar's own timestamp (daily bars: session date 09:15 IST); `timestamp`
is when the row became knowable (daily bars: the session close, 15:30 IST), and is what the
store keys on, so a point-in-time read at T never returns a bar that had not closed by T.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.features.config import FeatureConfig
from tools.features.derivatives import DERIV_COLUMNS, attach_previous_session, derivative_features
from tools.features.flows import flow_features
from tools.features.regimes import label_rows, market_measures, session_regimes
from tools.features.technical import (
    TECH_COLUMNS,
    DataQuality,
    available_at,
    clean_bars,
    find_segments,
    session_dates,
    technical_features,
)

FLOW_COLUMNS = ("fpi_flow_5d", "dii_flow_5d")
FEATURE_COLUMNS = (*TECH_COLUMNS, "regime_label", *DERIV_COLUMNS, *FLOW_COLUMNS)
OUTPUT_COLUMNS = ("symbol", "exchange", "ts", "timestamp", "close", *FEATURE_COLUMNS, "data_source")
NS_PER_DAY = 86_400 * 10**9


def build_features(
    bars: pd.DataFrame,
    config: FeatureConfig | None = None,
    flows: pd.DataFrame | None = None,
    derivatives: pd.DataFrame | None = None,
    *,
    vix: pd.Series | None = None,
    interval: str = "1d",
    quality: DataQuality | None = None,
) -> pd.DataFrame:
    """Compute every feature for every (symbol, bar) of a long-format bars frame.

    flows: daily `date, fii_net_cr, dii_net_cr` (₹ crore). derivatives: raw daily records
    (`tools.features.nse_files.RAW_COLUMNS`). vix: India VIX closes indexed by date.
    Bad rows are dropped and counted in `quality` (see technical.clean_bars).
    """
    config = config or FeatureConfig()
    quality = quality if quality is not None else DataQuality()
    df = clean_bars(bars, quality)
    seg = find_segments(df, config, quality)
    cols: dict[str, object] = {
        "symbol": df["symbol"],
        "exchange": df["exchange"],
        "ts": df["ts"],
        "timestamp": available_at(df["ts"], config, interval),
        "close": df["close"],
    }
    cols.update(technical_features(df, seg, config))
    days = session_dates(df["ts"])
    measures = market_measures(days, np.asarray(cols["realized_vol_20d"]), vix)
    cols["regime_label"] = label_rows(days, session_regimes(measures, config))
    date_ns = pd.Series((days * NS_PER_DAY).astype("datetime64[ns]"))
    empty = np.full(len(df), np.nan)
    cols.update(_derivative_columns(df, date_ns, derivatives, config, empty))
    cols.update(_flow_columns(date_ns, flows, config, empty))
    out = pd.DataFrame(cols, copy=False)
    out["data_source"] = _provenance(df, out)
    return out.loc[:, list(OUTPUT_COLUMNS)]


def _derivative_columns(
    df: pd.DataFrame,
    date_ns: pd.Series,
    raw: pd.DataFrame | None,
    config: FeatureConfig,
    empty: np.ndarray,
) -> dict[str, np.ndarray]:
    if raw is None or not len(raw) or not len(df):
        return dict.fromkeys(DERIV_COLUMNS, empty)
    feats = derivative_features(raw, config)
    rows = pd.DataFrame({"symbol": df["symbol"].astype(str), "date_ns": date_ns})
    attached = attach_previous_session(
        rows, feats, DERIV_COLUMNS, config.derivatives_max_age_days, by="symbol"
    )
    return {c: attached[c].to_numpy(dtype=float) for c in DERIV_COLUMNS}


def _flow_columns(
    date_ns: pd.Series, flows: pd.DataFrame | None, config: FeatureConfig, empty: np.ndarray
) -> dict[str, np.ndarray]:
    if flows is None or not len(flows) or not len(date_ns):
        return dict.fromkeys(FLOW_COLUMNS, empty)
    feats = flow_features(flows, config)
    rows = pd.DataFrame({"date_ns": date_ns})
    attached = attach_previous_session(
        rows, feats, FLOW_COLUMNS, config.flows_max_age_days, by=None
    )
    return {c: attached[c].to_numpy(dtype=float) for c in FLOW_COLUMNS}


def _provenance(df: pd.DataFrame, out: pd.DataFrame) -> pd.Series:
    """The bar source, plus +FO / +FLOWS where derivatives or flows went into the row."""
    base = (
        df["source"].fillna("UNKNOWN").astype(str)
        if "source" in df
        else pd.Series("UNKNOWN", index=df.index)
    )
    fo = out[list(DERIV_COLUMNS)].notna().any(axis=1).to_numpy()
    fl = out[list(FLOW_COLUMNS)].notna().any(axis=1).to_numpy()
    if not fo.any() and not fl.any():
        return base
    suffix = np.where(fo, "+FO", "").astype(object) + np.where(fl, "+FLOWS", "").astype(object)
    return base + pd.Series(suffix, index=df.index).astype(str)
