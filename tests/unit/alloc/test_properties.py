"""Properties: no sized candidate ever breaks risk per trade, positions, sector cap or cash; banned
sectors and blackout windows never produce one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core.enums import Direction
from tests.unit.alloc.factories import NOW, book, candidate, mandate
from tools.alloc.allocator import allocate
from tools.alloc.blackout import BlackoutCalendar
from tools.alloc.book import Holding

SECTORS = ["Information Technology", "Financial Services", "Realty", "Healthcare", "Power"]
SYMBOLS = [f"SYM{i}" for i in range(12)]

cands = st.builds(
    lambda i, sym, sec, edge, q, tp, sl, hz, px, atr_f, vol, adv, strat, short: candidate(
        i, sym, sector=sec, edge_pct=edge, quality_score=q, tp_probability=tp,
        sl_probability=sl, horizon_days=hz, ref_price=Decimal(px).quantize(Decimal("0.05")),
        atr=float(px) * atr_f, volatility_pct=vol, adv_inr=adv, strategy=strat,
        direction=Direction.SHORT if short and hz == 1 else Direction.LONG),
    st.integers(1, 10_000), st.sampled_from(SYMBOLS), st.sampled_from(SECTORS),
    st.floats(0.1, 12), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0),
    st.integers(1, 25), st.integers(20, 30_000), st.floats(0.005, 0.08), st.floats(5, 90),
    st.floats(1e6, 5e10), st.sampled_from(["momentum", "event_driven", "mean_reversion"]),
    st.booleans())
mandates = st.builds(
    lambda risk, maxpos, cap, banned, days, obj: mandate(
        risk_per_trade_percent=risk, max_positions=maxpos, max_sector_exposure_percent=cap,
        banned_sectors=tuple(banned), earnings_blackout_days=days, objective=obj),
    st.floats(0.25, 3.0), st.integers(1, 8), st.floats(5, 60),
    st.lists(st.sampled_from(SECTORS), max_size=2, unique=True), st.integers(0, 5),
    st.sampled_from(["MAX_PROFIT", "BALANCED", "RISK_MINIMIZED"]))
holdings = st.lists(st.builds(
    lambda sym, sec, val: Holding(sym, sec, Decimal(val), Decimal(val) / 50, "position"),
    st.sampled_from(SYMBOLS), st.sampled_from(SECTORS), st.integers(1_000, 200_000)),
    max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(cands, max_size=12), mandates, holdings, st.integers(10_000, 5_000_000),
       st.integers(0, 5_000_000), st.sets(st.sampled_from(SYMBOLS), max_size=4),
       st.integers(-6, 6))
def test_no_sized_candidate_breaks_a_limit(cs, m, held, equity, cash, results_syms, offset):
    cash = min(cash, equity)
    b = book(equity=str(equity), cash=str(cash), holdings=tuple(held))
    cal = BlackoutCalendar({s: frozenset({NOW.date() + timedelta(days=offset)})
                            for s in results_syms})
    out = allocate(cs, m, b, {}, cal, NOW)
    risk_cap = Decimal(equity) * Decimal(str(m.risk_per_trade_percent)) / 100
    sector_cap = Decimal(equity) * Decimal(str(m.max_sector_exposure_percent)) / 100
    assert len(b.holdings) + len(out.sized) <= max(m.max_positions, len(b.holdings))
    assert sum(s.position_size_inr for s in out.sized) <= Decimal(cash)
    per_sector: dict[str, Decimal] = {}
    for h in b.holdings:
        per_sector[h.sector] = per_sector.get(h.sector, Decimal(0)) + h.value_inr
    for s in out.sized:
        c = s.candidate
        assert s.quantity > 0
        assert s.risk_amount <= risk_cap
        assert c.sector not in m.banned_sectors
        if c.symbol in results_syms:
            assert abs(offset) > m.earnings_blackout_days
        assert c.symbol not in b.symbols
        before = per_sector.get(c.sector, Decimal(0))
        per_sector[c.sector] = before + s.position_size_inr
        assert per_sector[c.sector] <= sector_cap
        assert s.stop_loss < s.entry_price < s.take_profit or (
            c.direction == Direction.SHORT and s.take_profit < s.entry_price < s.stop_loss)
    assert {s.candidate.signal_id for s in out.sized} | {d.signal_id for d in out.dropped} == {
        c.signal_id for c in cs}
