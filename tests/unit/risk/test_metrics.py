"""Risk arithmetic of one monitor tick, and switch cool-off rules."""

from __future__ import annotations

import math
import statistics
from datetime import datetime, timedelta

import pytest

from core.clock import IST
from store.models import KillSwitchRow
from tools.risk.metrics import Holding, aggregate, annualised_vol
from tools.risk.switches import auto_reset_due


def holding(account: int, symbol: str, sign: int = 1, qty: int = 10, avg: float = 100.0,
            stop: float | None = 95.0, sector: str | None = "IT") -> Holding:
    return Holding(account, symbol, sector, sign, qty, avg, stop, 50.0, True)


def test_aggregate_per_account_and_portfolio() -> None:
    hs = [holding(1, "A"), holding(1, "B", sign=-1, stop=105.0, sector="BANK"),
          holding(2, "A", qty=20, stop=None)]
    prices = {"A": 102.0, "B": 98.0}
    scopes = aggregate(hs, prices, {"A": 0.2, "B": None}, {1: 10_000.0, 2: 20_000.0},
                       {1: -30.0}, correlation=0.5)
    a1, a2, p = scopes[1], scopes[2], scopes[None]
    assert a1.unrealized == pytest.approx(20 + 20)
    assert a1.open_risk == pytest.approx(70 + 70)  # long 102->95, short 98->105
    assert a1.loss_today == 0.0
    assert a1.sectors == {"IT": pytest.approx(10.2), "BANK": pytest.approx(9.8)}
    assert a2.open_risk == pytest.approx(2040.0)  # no stop: the whole position is at risk
    assert p.count == 3
    assert p.equity == 30_000.0
    assert a1.volatility == pytest.approx(0.2 * 1020 / 10_000)  # one vol term


def test_annualised_vol_of_alternating_returns() -> None:
    closes = [100, 101, 100, 101, 100, 101]
    vol = annualised_vol(closes)
    assert vol is not None
    a = math.log(1.01)
    rets = [a, -a, a, -a, a]
    assert vol == pytest.approx(statistics.stdev(rets) * math.sqrt(252))
    assert annualised_vol([100, 101]) is None


def test_auto_reset_rules() -> None:
    t0 = datetime(2025, 12, 16, 11, 0, tzinfo=IST)
    minutes = KillSwitchRow(is_triggered=True, triggered_at=t0, auto_reset_minutes=30,
                            action_on_trigger={"reset": "minutes"})
    assert not auto_reset_due(minutes, t0 + timedelta(minutes=29))
    assert auto_reset_due(minutes, t0 + timedelta(minutes=30))
    session = KillSwitchRow(is_triggered=True, triggered_at=t0,
                            action_on_trigger={"reset": "next_session"})
    assert not auto_reset_due(session, t0 + timedelta(hours=12))
    assert auto_reset_due(session, t0 + timedelta(hours=14))  # past IST midnight
    manual = KillSwitchRow(is_triggered=True, triggered_at=t0,
                           action_on_trigger={"reset": "manual"})
    assert not auto_reset_due(manual, t0 + timedelta(days=3))
