"""FII/DII flows: the NSE JSON report, CSV history, 5-day sums and their look-ahead-free join."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from core.errors import FeedError
from tests.unit.features.conftest import DATA, make_bars
from tools.features.build import build_features
from tools.features.config import FeatureConfig
from tools.features.flows import flow_features, flows_frame, parse_flows_csv, parse_nse_report

REPORT = [
    {
        "category": "DII **",
        "date": "16-Dec-2025",
        "buyValue": "15,240.11",
        "sellValue": "14163.05",
        "netValue": "1077.06",
    },
    {
        "category": "FII/FPI *",
        "date": "16-Dec-2025",
        "buyValue": "10010.5",
        "sellValue": "12391.5",
        "netValue": "-2381",
    },
]


def test_nse_report_is_parsed_to_decimal_crore():
    recs = parse_nse_report(REPORT)
    assert [(r.category, r.date, r.net_cr) for r in recs] == [
        ("DII", date(2025, 12, 16), Decimal("1077.06")),
        ("FII", date(2025, 12, 16), Decimal("-2381")),
    ]
    assert recs[0].buy_cr == Decimal("15240.11")


@pytest.mark.parametrize(
    "bad",
    [
        {"not": "a list"},
        [{"category": "MF", "date": "16-Dec-2025", "netValue": "1"}],
        [{"category": "DII", "date": "2025-12-16", "netValue": "1"}],
        [{"category": "DII", "date": "16-Dec-2025", "netValue": "abc"}],
        [{"category": "DII", "date": "16-Dec-2025"}],
    ],
)
def test_bad_reports_raise_feed_errors(bad):
    with pytest.raises(FeedError):
        parse_nse_report(bad)


def test_csv_history_and_five_day_sums():
    recs = parse_flows_csv(DATA / "flows" / "fii_dii_cash_net_daily.csv")
    wide = flows_frame(recs)
    raw = pd.read_csv(DATA / "flows" / "fii_dii_cash_net_daily.csv")
    assert len(wide) == raw["date"].nunique()
    feats = flow_features(wide, FeatureConfig())
    assert feats["fpi_flow_5d"].iloc[:4].isna().all()
    assert feats["fpi_flow_5d"].iloc[4] == pytest.approx(raw["fii_net_cr"].iloc[:5].sum())
    assert feats["dii_flow_5d"].iloc[-1] == pytest.approx(raw["dii_net_cr"].iloc[-5:].sum())


def test_rows_use_flows_published_before_their_session():
    flows = pd.DataFrame(
        {
            "date": pd.bdate_range("2025-12-01", periods=8).date,
            "fii_net_cr": [1.0, 2, 3, 4, 5, 6, 7, 8],
            "dii_net_cr": [10.0, 20, 30, 40, 50, 60, 70, 80],
        }
    )
    bars = make_bars(
        [
            ("X", d.strftime("%Y-%m-%d"), 100, 101, 99, 100, 10)
            for d in pd.bdate_range("2025-12-01", periods=8)
        ]
    )
    got = build_features(bars, flows=flows)
    # Session 8 (10 Dec) sees flows of sessions 3..7, never its own evening report.
    assert got["fpi_flow_5d"].iloc[7] == 3 + 4 + 5 + 6 + 7
    assert got["dii_flow_5d"].iloc[5] == 10 + 20 + 30 + 40 + 50
    assert got["fpi_flow_5d"].iloc[:5].isna().all()
    assert got["data_source"].iloc[7] == "CSV+FLOWS"


def test_stale_flows_are_not_carried_forward():
    flows = pd.DataFrame(
        {
            "date": pd.bdate_range("2025-11-03", periods=5).date,
            "fii_net_cr": [1.0] * 5,
            "dii_net_cr": [1.0] * 5,
        }
    )
    bars = make_bars([("X", "2025-12-10", 100, 101, 99, 100, 10)])
    assert build_features(bars, flows=flows)["fpi_flow_5d"].isna().all()
