"""Turn daily bars (long format) into Candidates with a small deterministic rule, for tests.

Momentum over 20 sessions sets direction-free edge; ATR(14) by TA-Lib, 20-day realised vol and
20-day average traded value come from the bars themselves. Strategy and horizon alternate by
symbol so that contrasting mandates select differently.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import talib

from core.enums import Direction
from core.money import round_to_tick
from core.pipeline import Candidate, EvidenceLink

STRATEGIES = ("momentum", "event_driven", "mean_reversion")
HORIZONS = (5, 10)


def _one(sym: str, g: pd.DataFrame, k: int, sector: str | None, now: datetime) -> Candidate | None:
    g = g.sort_values("ts")
    if len(g) < 30:
        return None
    high, low, close = (g[c].to_numpy(float) for c in ("high", "low", "close"))
    atr = float(talib.ATR(high, low, close, timeperiod=14)[-1])
    rets = np.diff(np.log(close[-21:]))
    vol = float(rets.std(ddof=1) * math.sqrt(252) * 100)
    adv = float((g["close"] * g["volume"]).tail(20).mean())
    mom = float(close[-1] / close[-21] - 1) * 100
    if not all(map(math.isfinite, (atr, vol, adv, mom))) or atr <= 0:
        return None
    edge = max(0.5, min(8.0, abs(mom) / 2))
    tp = max(0.35, min(0.7, 0.5 + mom / 100))
    return Candidate(
        signal_id=1000 + k, symbol=sym, exchange="NSE", direction=Direction.LONG,
        strategy=STRATEGIES[k % 3], edge_pct=edge, tp_probability=tp, sl_probability=1 - tp - 0.1,
        quality_score=0.55 + (k % 4) * 0.1, is_trustworthy=True,
        horizon_days=HORIZONS[(k // 3) % 2],
        ref_price=round_to_tick(Decimal(str(close[-1]))), atr=atr, volatility_pct=vol,
        adv_inr=adv, sector=sector, generated_at=now - timedelta(minutes=1),
        expires_at=now + timedelta(hours=6), regime_label="MED_VOL", liquidity_regime="MEDIUM",
        rsi_14=float(talib.RSI(close, timeperiod=14)[-1]),
        event_timestamp=now - timedelta(hours=2) if k % 3 == 1 else None,
        evidence=(EvidenceLink("bars", f"desk://bars/{sym}/1d", f"{sym} daily bars"),),
        model_version="test-momentum-v0")


def candidates_from_bars(bars: pd.DataFrame, sectors: dict[str, str | None],
                         now: datetime) -> list[Candidate]:
    out = []
    for k, (sym, g) in enumerate(sorted(bars.groupby("symbol"), key=lambda t: str(t[0]))):
        c = _one(str(sym), g, k, sectors.get(str(sym)), now)
        if c is not None:
            out.append(c)
    return out


def store_signals(session, candidates: list[Candidate]) -> None:
    """Insert the signal rows the candidates point at (cards reference signals by id)."""
    from store.models import SignalRow

    for c in candidates:
        if session.get(SignalRow, c.signal_id) is None:
            session.add(SignalRow(id=c.signal_id, symbol=c.symbol, exchange=c.exchange,
                                  strategy=c.strategy, direction=c.direction.value,
                                  edge=c.edge_pct, horizon_days=c.horizon_days,
                                  quality_score=c.quality_score, model_version=c.model_version,
                                  generated_at=c.generated_at, expires_at=c.expires_at,
                                  status="ACTIVE"))
    session.flush()
