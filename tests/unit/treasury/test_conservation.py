"""Property: no sequence of treasury operations creates or destroys money."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.enums import CapitalTxnType as T
from core.errors import Conflict
from store.repos import treasury as repo
from tools.treasury.ledger import BUCKETS, Ledger, all_balances, external_net
from tools.treasury.transfers import TransferService

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000"), places=2)
simple_kinds = st.sampled_from([T.DEPOSIT, T.WITHDRAWAL, T.SIP_INSTALLMENT, T.STAGED_DEPOSIT,
                                T.TRANCHE_RELEASE, T.RESERVE, T.RELEASE, T.DEPLOY, T.UNWIND,
                                T.FEES, T.REALIZED_PNL])
ops = st.one_of(
    st.tuples(st.just("post"), st.integers(0, 1), simple_kinds, amounts, st.booleans()),
    st.tuples(st.just("transfer"), st.integers(0, 1), st.booleans(), amounts),
    st.tuples(st.just("advance"), st.integers(1, 30)),
)


def _apply(s, led, svc, clock, ids, op):
    if op[0] == "post":
        _, who, kind, amount, negative = op
        if kind == T.REALIZED_PNL and negative:
            amount = -amount
        led.post(s, ids[who], kind, amount, reason="prop")
    elif op[0] == "transfer":
        _, who, approve, amount = op
        p = svc.propose_transfer(s, ids[who], ids[1 - who], amount, reason="prop")
        svc.decide(s, p.id, approve=approve, user="prop")
    else:
        clock.advance(hours=op[1])
        svc.run_auto_returns(s)


def _check(s):
    bals = all_balances(s)
    for b in bals.values():
        for bucket in BUCKETS:
            assert b.get(bucket) >= 0, (b, bucket)
    assert sum((b.total for b in bals.values()), Decimal(0)) == external_net(s)
    sums = repo.sums_by_type(s)
    outs = sum((v for (_, k), v in sums.items() if k == T.TRANSFER_OUT), Decimal(0))
    ins = sum((v for (_, k), v in sums.items() if k == T.TRANSFER_IN), Decimal(0))
    assert outs == ins


def test_money_is_conserved(db, clock, audit, demo_ids):
    led, svc = Ledger(clock, audit), TransferService(clock, audit)

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(ops, min_size=1, max_size=25))
    def run(sequence):
        with db.sessions() as s:
            s.begin()
            try:
                for op in sequence:
                    nested = s.begin_nested()
                    try:
                        _apply(s, led, svc, clock, demo_ids, op)
                        nested.commit()
                    except Conflict:
                        nested.rollback()
                    _check(s)
            finally:
                s.rollback()

    run()
