"""Builders for allocation tests: candidates, mandates and account books without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from core.clock import IST
from core.enums import Direction, Objective
from core.pipeline import Candidate, EvidenceLink
from tools.accounts.views import MandateView
from tools.alloc.book import AccountBook, Holding

NOW = datetime(2025, 12, 16, 9, 15, tzinfo=IST)


def candidate(signal_id: int = 1, symbol: str = "TCS", **kw: Any) -> Candidate:
    base = Candidate(
        signal_id=signal_id, symbol=symbol, exchange="NSE", direction=Direction.LONG,
        strategy="momentum", edge_pct=3.0, tp_probability=0.55, sl_probability=0.30,
        quality_score=0.7, is_trustworthy=True, horizon_days=5, ref_price=Decimal("1000.00"),
        atr=20.0, volatility_pct=25.0, adv_inr=5e9, sector="Information Technology",
        generated_at=NOW - timedelta(minutes=5), expires_at=NOW + timedelta(hours=6),
        regime_label="MED_VOL", liquidity_regime="MEDIUM", rsi_14=55.0,
        evidence=(EvidenceLink("article", f"https://news.example/{symbol}", symbol),),
        model_version="rules-v1")
    return replace(base, **kw)


def mandate(account_id: int = 1, **kw: Any) -> MandateView:
    base = MandateView(
        id=account_id, account_id=account_id, version=1, objective=Objective.BALANCED.value,
        risk_per_trade_percent=1.0, max_positions=5, max_sector_exposure_percent=30.0,
        horizon_min_days=1, horizon_max_days=20, banned_sectors=(), earnings_blackout_days=2,
        liquidity_floor_adv=Decimal("10000000"), min_market_cap=Decimal("0"),
        allowed_strategies=("momentum", "mean_reversion", "event_driven", "ml"),
        sl_multiplier=1.5, tp_multiplier=3.0, trailing_stop_enabled=False,
        max_daily_loss_percent=2.0, max_drawdown_percent=10.0, approval_mode="every_trade",
        assumption_log=(), summary="test mandate", is_active=True, created_at=NOW)
    return replace(base, **kw)


def book(account_id: int = 1, equity: str = "1000000", cash: str = "500000",
         holdings: tuple[Holding, ...] = (), **kw: Any) -> AccountBook:
    base = AccountBook(account_id=account_id, status="ACTIVE", entries_paused=False,
                       equity_inr=Decimal(equity), deployable_inr=Decimal(cash),
                       holdings=holdings)
    return replace(base, **kw)
