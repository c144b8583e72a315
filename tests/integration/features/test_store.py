"""The features repository on SQLite and Postgres: idempotent upserts and point-in-time reads."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from core.clock import IST
from core.errors import NotFound, ValidationError
from store.db import transaction
from store.models import AuditLogRow
from store.models.market import FeatureRow
from store.repos.features import (
    feature_history,
    features_as_of,
    get_feature_row,
    load_flows,
    write_features,
    write_flows,
)
from tools.features.flows import FlowRecord


def _count(db) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(FeatureRow)))


def test_write_is_idempotent_and_updates_values(db, clock, small_features):
    with transaction(db.sessions) as s:
        assert write_features(s, small_features, clock) == len(small_features)
    changed = small_features.assign(rsi_14=small_features["rsi_14"] + 1)
    with transaction(db.sessions) as s:
        write_features(s, changed, clock)
    assert _count(db) == len(small_features)
    with db.sessions() as s:
        hist = feature_history(s, ["TCS"], None, None)
    ref = changed[changed["symbol"] == "TCS"]
    np.testing.assert_allclose(hist["rsi_14"], ref["rsi_14"], rtol=1e-12, equal_nan=True)
    with db.sessions() as s:
        audits = s.scalars(select(AuditLogRow.action_type)).all()
    assert audits.count("features.write") == 2


def test_nan_is_stored_as_null_and_read_back_as_nan(db, clock, small_features):
    with transaction(db.sessions) as s:
        write_features(s, small_features, clock)
    with db.sessions() as s:
        nulls = s.scalar(
            select(func.count()).select_from(FeatureRow).where(FeatureRow.momentum_20d.is_(None))
        )
        first = feature_history(s, ["INFY"], None, None).iloc[0]
    assert nulls == 3 * 20
    assert np.isnan(first["momentum_5d"])
    assert pd.isna(first["gap_filled"])
    assert np.isnan(first["pcr"])  # no derivatives given: empty, never zero


def test_as_of_never_sees_a_bar_after_t(db, clock, small_features):
    with transaction(db.sessions) as s:
        write_features(s, small_features, clock)
    session_day = date(2023, 6, 15)
    during = datetime(2023, 6, 15, 14, 0, tzinfo=IST)  # the 15 June bar has not closed yet
    after = datetime(2023, 6, 15, 15, 30, tzinfo=IST)
    with db.sessions() as s:
        before_close = features_as_of(s, during)
        at_close = features_as_of(s, after, symbols=["TCS"])
        everything = feature_history(s, None, None, during)
    assert list(before_close["symbol"]) == ["INFY", "ITC", "TCS"]
    assert (before_close["timestamp"] <= pd.Timestamp(during)).all()
    assert (before_close["timestamp"].dt.tz_convert(IST).dt.date < session_day).all()
    assert everything["timestamp"].max() < pd.Timestamp(during)
    assert at_close["timestamp"].dt.tz_convert(IST).dt.date.tolist() == [session_day]
    tcs = small_features[
        (small_features["symbol"] == "TCS")
        & (small_features["ts"].dt.tz_convert(IST).dt.date == session_day)
    ]
    assert at_close["close"].iloc[0] == pytest.approx(tcs["close"].iloc[0])
    with db.sessions() as s:
        assert features_as_of(s, datetime(2020, 1, 1, tzinfo=IST)).empty


def test_get_feature_row_and_not_found(db, clock, small_features):
    with transaction(db.sessions) as s:
        write_features(s, small_features.tail(5), clock)
    with db.sessions() as s:
        fid = int(feature_history(s, None, None, None)["id"].iloc[-1])
        snap = get_feature_row(s, fid)
        with pytest.raises(NotFound):
            get_feature_row(s, fid + 1000)
    last = small_features.tail(5).sort_values(["symbol", "timestamp"]).iloc[-1]
    assert snap.symbol == last["symbol"]
    assert snap.get("rsi_14") == pytest.approx(last["rsi_14"])
    assert snap.data_source == "CSV"
    assert snap.computed_at == clock.now()
    assert snap.timestamp.tzinfo is not None


def test_naive_timestamps_are_refused(sqlite_db, clock, small_features):
    bad = small_features.head(2).assign(timestamp=lambda d: d["timestamp"].dt.tz_localize(None))
    with transaction(sqlite_db.sessions) as s, pytest.raises(ValidationError):
        write_features(s, bad, clock)


def test_flows_round_trip_and_upsert(db, clock):
    day = date(2025, 12, 16)
    recs = [
        FlowRecord(day, "FII", None, None, Decimal("-2381.00"), "CSV"),
        FlowRecord(day, "DII", Decimal("15240.11"), Decimal("14163.05"), Decimal("1077.06"), "NSE"),
    ]
    with transaction(db.sessions) as s:
        assert write_flows(s, recs, clock) == 2
    with transaction(db.sessions) as s:
        write_flows(s, [FlowRecord(day, "FII", None, None, Decimal("-2000"), "NSE")], clock)
    with db.sessions() as s:
        wide = load_flows(s)
        empty = load_flows(s, start=day + timedelta(days=1))
    assert wide.to_dict("records") == [{"date": day, "fii_net_cr": -2000.0, "dii_net_cr": 1077.06}]
    assert empty.empty
