"""Own the parsing of NSE F&O report files and option/VIX snapshot files into daily raw records.

Output of `load_fo_directory` / `load_fo_archive`: one row per (symbol, date) with
`fut_close` (nearest-expiry future), `fut_oi` (all expiries summed) and its `oi_unit`
("contracts" in the old `foDDMMYY.csv` bhavcopy, "shares" in the `foDDMMYYYY.csv` report),
`put_oi` / `call_oi` (all expiries summed, from `opDDMMYYYY.csv[.gz]` or the day's zip) and
`spot_close` (underlying close from `FOVOLT_DDMMYYYY.csv`). Missing pieces stay NaN.
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import ValidationError

RAW_COLUMNS = (
    "symbol",
    "date",
    "fut_close",
    "fut_oi",
    "oi_unit",
    "put_oi",
    "call_oi",
    "spot_close",
    "atm_iv",
)
_NEW_FO = re.compile(r"^fo(\d{2})(\d{2})(\d{4})\.csv$", re.IGNORECASE)
_OLD_FO = re.compile(r"^fo(\d{2})(\d{2})(\d{2})\.csv$", re.IGNORECASE)
_OLD_CONTRACT = re.compile(r"^(FUTSTK|FUTIDX)(.+?)(\d{2}-[A-Z]{3}-\d{4})$")


def _read_csv(source: Path | bytes) -> pd.DataFrame:
    buf = io.BytesIO(source) if isinstance(source, bytes) else source
    frame = pd.read_csv(buf, skipinitialspace=True, dtype=str)
    frame.columns = [str(c).strip() for c in frame.columns]
    for col in frame.columns:
        frame[col] = frame[col].str.strip()
    return frame


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def parse_new_futures(source: Path | bytes, trade_date: date) -> pd.DataFrame:
    """`foDDMMYYYY.csv` (INSTRUMENT, SYMBOL, EXP_DATE, ..., CLOSE_PRICE, OPEN_INT*)."""
    f = _read_csv(source)
    _require(f, ("INSTRUMENT", "SYMBOL", "EXP_DATE", "CLOSE_PRICE", "OPEN_INT*"), "fo report")
    f = f[f["INSTRUMENT"].isin(["FUTSTK", "FUTIDX"])]
    return _futures_by_symbol(
        pd.DataFrame(
            {
                "symbol": f["SYMBOL"],
                "expiry": pd.to_datetime(f["EXP_DATE"], format="%d/%m/%Y").dt.date,
                "close": _num(f["CLOSE_PRICE"]),
                "oi": _num(f["OPEN_INT*"]),
            }
        ),
        trade_date,
        "shares",
    )


def parse_old_futures(source: Path | bytes, trade_date: date) -> pd.DataFrame:
    """Old bhavcopy `foDDMMYY.csv` (CONTRACT_D e.g. FUTSTKBHEL27-JAN-2026, CLOSE_PRIC, OI)."""
    f = _read_csv(source)
    _require(f, ("CONTRACT_D", "CLOSE_PRIC", "OI_NO_CON"), "fo bhavcopy")
    parts = f["CONTRACT_D"].str.extract(_OLD_CONTRACT)
    ok = parts[0].notna()
    return _futures_by_symbol(
        pd.DataFrame(
            {
                "symbol": parts.loc[ok, 1],
                "expiry": pd.to_datetime(parts.loc[ok, 2], format="%d-%b-%Y").dt.date,
                "close": _num(f.loc[ok, "CLOSE_PRIC"]),
                "oi": _num(f.loc[ok, "OI_NO_CON"]),
            }
        ),
        trade_date,
        "contracts",
    )


def _futures_by_symbol(fut: pd.DataFrame, trade_date: date, unit: str) -> pd.DataFrame:
    fut = fut[fut["expiry"] >= trade_date]
    near = fut.sort_values(["symbol", "expiry"]).groupby("symbol").first()
    out = pd.DataFrame({"fut_close": near["close"], "fut_oi": fut.groupby("symbol")["oi"].sum()})
    out["oi_unit"] = unit
    return out


def parse_options(source: Path | bytes) -> pd.DataFrame:
    """`opDDMMYYYY.csv`: put and call open interest per underlying, all expiries summed."""
    f = _read_csv(source)
    _require(f, ("SYMBOL", "OPT_TYPE", "OPEN_INT*"), "options report")
    f = f.assign(oi=_num(f["OPEN_INT*"]))
    piv = f.pivot_table(index="SYMBOL", columns="OPT_TYPE", values="oi", aggfunc="sum")
    return pd.DataFrame({"put_oi": piv.get("PE"), "call_oi": piv.get("CE")}, index=piv.index)


def parse_fovolt(source: Path | bytes) -> pd.Series:
    """`FOVOLT_DDMMYYYY.csv`: the underlying close price per symbol."""
    f = _read_csv(source)
    col = next((c for c in f.columns if c.startswith("Underlying Close Price")), None)
    if col is None or "Symbol" not in f.columns:
        raise ValidationError("FOVOLT file lacks Symbol / Underlying Close Price", field="FOVOLT")
    return pd.Series(_num(f[col]).to_numpy(), index=f["Symbol"].to_numpy(), name="spot_close")


def _require(f: pd.DataFrame, cols: tuple[str, ...], what: str) -> None:
    missing = [c for c in cols if c not in f.columns]
    if missing:
        raise ValidationError(f"{what} lacks columns {missing}", field=missing[0])


def load_fo_directory(folder: Path, trade_date: date) -> pd.DataFrame:
    """Raw derivatives records of one trading day from its NSE archive folder (and its zip)."""
    files = _day_files(folder)
    futures = _day_futures(files, trade_date)
    options = parse_options(files["op"]) if "op" in files else pd.DataFrame()
    spot = parse_fovolt(files["fovolt"]) if "fovolt" in files else pd.Series(dtype=float)
    symbols = sorted(set(futures.index) | set(options.index))
    out = pd.DataFrame(index=pd.Index(symbols, name="symbol"))
    out = out.join(futures).join(options)
    out["spot_close"] = spot.groupby(level=0).last().reindex(out.index)
    out["date"] = trade_date
    out["atm_iv"] = np.nan
    return out.reset_index().reindex(columns=list(RAW_COLUMNS))


def _day_futures(files: dict[str, Path | bytes], trade_date: date) -> pd.DataFrame:
    if "fo_new" in files:
        return parse_new_futures(files["fo_new"], trade_date)
    if "fo_old" in files:
        return parse_old_futures(files["fo_old"], trade_date)
    return pd.DataFrame(columns=["fut_close", "fut_oi", "oi_unit"])


def _day_files(folder: Path) -> dict[str, Path | bytes]:
    """Map report kind -> file path (or bytes from the day's zip), preferring loose files."""
    found: dict[str, Path | bytes] = {}
    for zpath in sorted(folder.glob("fo*.zip")):
        with zipfile.ZipFile(zpath) as zf:
            for name in zf.namelist():
                kind = _kind(Path(name).name)
                if kind:
                    found[kind] = zf.read(name)
    for path in sorted(folder.iterdir()):
        gz = path.name.lower().endswith(".gz")
        kind = _kind(path.name[:-3] if gz else path.name)
        if kind:
            found[kind] = gzip.decompress(path.read_bytes()) if gz else path
    return found


def _kind(name: str) -> str | None:
    low = name.lower()
    if _NEW_FO.match(low):
        return "fo_new"
    if _OLD_FO.match(low):
        return "fo_old"
    if re.match(r"^op\d{8}\.csv$", low):
        return "op"
    if re.match(r"^fovolt_\d{8}\.csv$", low):
        return "fovolt"
    return None


def load_fo_archive(root: Path) -> pd.DataFrame:
    """Raw derivatives records for every `YYYY-MM-DD` folder under root, in date order."""
    frames = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        try:
            day = date.fromisoformat(folder.name)
        except ValueError:
            continue
        frames.append(load_fo_directory(folder, day))
    if not frames:
        raise ValidationError(f"no YYYY-MM-DD folders under {root}", field="root")
    return pd.concat(frames, ignore_index=True)


def load_option_chain_snapshots(path: Path, symbol: str = "NIFTY") -> pd.DataFrame:
    """Daily raw records (PCR inputs and ATM IV) from the last option-chain snapshot of each day.

    The snapshots carry no spot price, so the at-the-money strike is the one where call and
    put premiums are closest (put-call parity); its IV is the mean of the non-zero call/put IVs.
    """
    snaps = pd.read_csv(path, dtype=str)
    numeric = ("strike", "call_oi", "put_oi", "call_iv", "put_iv", "call_ltp", "put_ltp")
    _require(snaps, ("trade_date", "snapshot_ist", *numeric), "option-chain snapshots")
    for col in numeric:  # some schema versions put "UNDERLYING"/"TIMESTAMP" notes in these cells
        snaps[col] = _num(snaps[col])
    if "iv_single_col" in snaps:  # schema 1 has one IV column for the strike
        snaps["iv_single_col"] = _num(snaps["iv_single_col"])
    snaps = snaps[snaps["strike"].notna()]
    last = snaps.groupby("trade_date")["snapshot_ist"].transform("max")
    snaps = snaps[snaps["snapshot_ist"] == last]
    rows = [_snapshot_record(str(day), g, symbol) for day, g in snaps.groupby("trade_date")]
    return pd.DataFrame(rows).reindex(columns=list(RAW_COLUMNS))


def _snapshot_record(day: str, g: pd.DataFrame, symbol: str) -> dict[str, object]:
    near = g[g["expiry_assumed"] == g["expiry_assumed"].min()] if "expiry_assumed" in g else g
    priced = near[(near["call_ltp"] > 0) & (near["put_ltp"] > 0)]
    atm_iv = np.nan
    if len(priced):
        atm = priced.iloc[int(np.argmin((priced["call_ltp"] - priced["put_ltp"]).abs()))]
        ivs = [v for v in (atm["call_iv"], atm["put_iv"]) if pd.notna(v) and v > 0]
        single = atm.get("iv_single_col", np.nan)
        ivs = ivs or ([single] if pd.notna(single) and single > 0 else [])
        atm_iv = float(np.mean(ivs)) if ivs else np.nan
    return {
        "symbol": symbol,
        "date": date.fromisoformat(str(day)),
        "put_oi": float(g["put_oi"].sum()),
        "call_oi": float(g["call_oi"].sum()),
        "atm_iv": atm_iv,
    }


def load_vix_daily(path: Path) -> pd.Series:
    """India VIX daily closes (index: date) from a daily CSV or the intraday index snapshots."""
    frame = pd.read_csv(path)
    if "name" in frame.columns:
        rows = frame[frame["name"].str.upper() == "INDIA VIX"]
        last = rows.sort_values("snapshot_ist").groupby("trade_date")["last"].last()
        days = [datetime.fromisoformat(str(d)).date() for d in last.index]
        return pd.Series(
            pd.to_numeric(last, errors="coerce").to_numpy(float), index=days, name="vix"
        )
    close_col = next((c for c in frame.columns if c.lower() == "close"), None)
    if close_col is None or "date" not in frame.columns:
        raise ValidationError("VIX file needs date and Close columns", field="close")
    out = pd.Series(
        pd.to_numeric(frame[close_col], errors="coerce").to_numpy(),
        index=pd.to_datetime(frame["date"]).dt.date,
        name="vix",
    )
    return out
