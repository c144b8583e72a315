"""The per-account allocation run: gates, ranking order, running caps, drops and shortfalls."""

from __future__ import annotations

from decimal import Decimal

from tests.unit.alloc.factories import NOW, book, candidate, mandate
from tools.alloc.allocator import allocate
from tools.alloc.blackout import BlackoutCalendar
from tools.alloc.book import Holding


def _run(cands, m=None, b=None, cal=None, pbs=None):
    return allocate(cands, m or mandate(), b or book(), {}, cal or BlackoutCalendar(), NOW, pbs)


def test_paused_account_or_kill_switch_sizes_nothing():
    for b, why in ((book(status="PAUSED"), "PAUSED"), (book(entries_paused=True), "kill switch")):
        out = _run([candidate()], b=b)
        assert out.sized == ()
        assert why in out.dropped[0].reason


def test_best_ranked_first_and_max_positions_respected():
    cands = [candidate(i, f"S{i}", edge_pct=float(i), sector=f"sec{i}") for i in range(1, 6)]
    out = _run(cands, m=mandate(max_positions=2))
    assert [s.candidate.signal_id for s in out.sized] == [5, 4]
    assert {d.reason.split(":")[0] for d in out.dropped} == {"max positions"}


def test_open_holdings_count_against_positions_and_sector():
    held = tuple(Holding(f"H{i}", "Information Technology", Decimal("100000"), Decimal("1000"),
                         "position") for i in range(2))
    out = _run([candidate()], m=mandate(max_sector_exposure_percent=25), b=book(holdings=held))
    # sector cap ₹2.5 lakh − ₹2 lakh held = ₹50 000 room → 50 shares at ₹1 000
    assert out.sized[0].quantity == 50
    assert "sector_cap" in out.sized[0].sizing_notes[0]


def test_cash_runs_down_within_a_run_and_reports_shortfall():
    cands = [candidate(1, "A", sector="x", edge_pct=5), candidate(2, "B", sector="y")]
    out = _run(cands, b=book(cash="150000"))
    a = out.sized[0]
    assert a.candidate.symbol == "A"
    assert a.position_size_inr <= Decimal("150000")
    rest = Decimal("150000") - a.position_size_inr
    if out.sized[1:]:
        assert out.sized[1].position_size_inr <= rest
    else:
        assert out.dropped[0].reason.startswith("cash")
        assert out.shortfalls[0].signal_id == 2


def test_no_cash_gives_a_shortfall_with_the_amount_needed():
    out = _run([candidate()], b=book(cash="0"))
    assert out.sized == ()
    assert out.dropped[0].reason.startswith("cash: needs ₹")
    assert out.shortfalls[0].needed_inr > 0


def test_duplicate_symbols_in_one_batch_are_sized_once():
    out = _run([candidate(1, "TCS"), candidate(2, "TCS", edge_pct=1.0)])
    assert len(out.sized) == 1
    assert "duplicate" in out.dropped[0].reason


def test_sized_fields_are_consistent():
    s = _run([candidate()]).sized[0]
    assert s.risk_amount == s.quantity * (s.entry_price - s.stop_loss)
    assert s.reward_amount == s.quantity * (s.take_profit - s.entry_price)
    assert s.position_size_inr == s.quantity * s.entry_price
    assert s.risk_amount <= Decimal("10000")  # 1 % of ₹10 lakh
