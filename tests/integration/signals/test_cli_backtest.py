"""`desk backtest` end to end on a directory of CSVs in the shared-data format (two vendors
overlap on one symbol: the longer series is used), writing summary.json and equity.png."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app
from tests.unit.backtest.synth import synthetic_bars
from tools.backtest.runner import load_bars_dir

pytestmark = pytest.mark.slow


def _write_csvs(folder: Path) -> None:
    bars = synthetic_bars(12, 1400, persistence=0.5, seed=5, start="2010-01-01")
    bars["date"] = bars["ts"].dt.strftime("%Y-%m-%d")
    cols = ["date", "symbol", "open", "high", "low", "close", "volume"]
    bars[cols].to_csv(folder / "yf_synthetic_daily.csv.gz", index=False)
    # A second vendor with a short, shifted copy of one symbol: must not be mixed in.
    other = bars[bars["symbol"] == "SYM00"].tail(200).copy()
    other["close"] *= 1.5
    other["open"] *= 1.5
    other["high"] *= 1.5
    other["low"] *= 1.5
    other[cols].to_csv(folder / "upstox_synthetic_daily.csv", index=False)


def test_backtest_command_on_csv_directory(tmp_path: Path) -> None:
    data, out = tmp_path / "ohlcv", tmp_path / "report"
    data.mkdir()
    _write_csvs(data)
    bars, info = load_bars_dir(data)
    assert info["source_by_symbol"]["SYM00"] == "YFINANCE"
    assert bars.duplicated(["symbol", "ts"]).sum() == 0
    result = CliRunner().invoke(
        app,
        [
            "backtest",
            "--data",
            str(data),
            "--out",
            str(out),
            "--test-years",
            "1",
            "--min-train-years",
            "3",
            "--min-rows",
            "300",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "walk-forward finished in" in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["command"]["test_years"] == 1
    assert summary["strategies"]["overall"]["trades"] > 0
    assert (out / "equity.png").stat().st_size > 10_000


def test_backtest_command_explains_too_little_history(tmp_path: Path) -> None:
    data = tmp_path / "ohlcv"
    data.mkdir()
    _write_csvs(data)
    result = CliRunner().invoke(
        app,
        ["backtest", "--data", str(data), "--out", str(tmp_path / "r"), "--min-train-years", "3"],
    )
    assert result.exit_code == 2
    assert "primary training rows" in result.output


def test_backtest_command_rejects_bad_dates(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["backtest", "--data", str(tmp_path), "--from", "2020/01/01"])
    assert result.exit_code == 2
    assert "--from must be YYYY-MM-DD" in result.output
