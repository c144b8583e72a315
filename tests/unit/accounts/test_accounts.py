from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError as PydanticError
from sqlalchemy import func, select

from core.enums import AccountStatus, Objective
from core.errors import AccessDenied, Conflict
from store.audit import AuditLog, verify_chain
from store.db import transaction
from store.models import Account, AuditLogRow, Mandate
from tools.accounts import access, service
from tools.accounts.demo import ensure_demo_accounts
from tools.accounts.schemas import MandateSpec


def test_demo_accounts_created_once(db, clock):
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        first = ensure_demo_accounts(s, audit, clock, password="pw")
    with transaction(db.sessions) as s:
        second = ensure_demo_accounts(s, audit, clock)
        assert s.scalar(select(func.count()).select_from(Account)) == 2
    assert [a.id for a in first] == [a.id for a in second]
    assert {a.account_type for a in first} == {"SIP", "LUMP_SUM"}
    with db.sessions() as s:
        assert verify_chain(s).ok


@pytest.mark.parametrize(
    ("field", "value"),
    [("risk_per_trade_percent", 40), ("horizon_min_days", -3), ("banned_sectors", ["Bananas"])],
)
def test_bad_mandate_names_the_field(field, value):
    with pytest.raises(PydanticError) as exc:
        MandateSpec(**{field: value})
    assert field in str(exc.value)


def test_horizon_order_checked():
    with pytest.raises(PydanticError, match="horizon_min_days"):
        MandateSpec(horizon_min_days=10, horizon_max_days=2)


def test_sector_aliases_normalise():
    spec = MandateSpec(banned_sectors=["banking", "Pharma", "Financial Services"])
    assert spec.banned_sectors == ("Financial Services", "Healthcare")


def test_mandate_versions_keep_history(db, clock):
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        acc = ensure_demo_accounts(s, audit, clock)[0]
        service.update_mandate(s, audit, clock, acc.id,
                               MandateSpec(objective=Objective.MAX_PROFIT,
                                           liquidity_floor_adv=Decimal("1")), user="t")
    with db.sessions() as s:
        history = service.mandate_history(s, acc.id)
        assert [m.version for m in history] == [1, 2]
        assert [m.is_active for m in history] == [False, True]
        assert service.current_mandate(s, acc.id).objective == "MAX_PROFIT"
        n = s.scalar(select(func.count()).select_from(Mandate))
        assert n == 3


def test_status_moves_and_closed_is_final(db, clock):
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        acc = ensure_demo_accounts(s, audit, clock)[0]
        assert service.set_status(s, audit, clock, acc.id, AccountStatus.PAUSED, "t").status == \
            "PAUSED"
        service.set_status(s, audit, clock, acc.id, AccountStatus.CLOSED, "t")
    with transaction(db.sessions) as s, pytest.raises(Conflict):
        service.set_status(s, audit, clock, acc.id, AccountStatus.ACTIVE, "t")


def test_failed_update_writes_nothing(db, clock):
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        acc = ensure_demo_accounts(s, audit, clock)[0]
    with db.sessions() as s:
        before = s.scalar(select(func.count()).select_from(AuditLogRow))
    def failing_update():
        with transaction(db.sessions) as s:
            service.update_mandate(s, audit, clock, acc.id, MandateSpec(), user="t")
            raise Conflict("simulated failure after the write")

    with pytest.raises(Conflict):
        failing_update()
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditLogRow)) == before
        assert len(service.mandate_history(s, acc.id)) == 1


def test_access_rules(db, clock):
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        accounts = ensure_demo_accounts(s, audit, clock, password="secret-pw")
        stranger = access.ensure_user(s, audit, clock, "stranger", password="x")
        viewer = access.ensure_user(s, audit, clock, "viewer")
        access.grant(s, audit, viewer.id, accounts[0].id, can_approve=False)
    with db.sessions() as s:
        demo = access.authenticate(s, "demo", "secret-pw")
        assert demo is not None
        assert access.authenticate(s, "demo", "wrong") is None
        assert access.authenticate(s, "nobody", "x") is None
        assert access.visible_account_ids(s, demo.id) == {a.id for a in accounts}
        assert access.visible_account_ids(s, stranger.id) == set()
        access.require_viewer(s, viewer.id, accounts[0].id)
        with pytest.raises(AccessDenied):
            access.require_approver(s, viewer.id, accounts[0].id)
        with pytest.raises(AccessDenied):
            access.require_viewer(s, stranger.id, accounts[1].id)


def test_telegram_sync(db, clock):
    audit = AuditLog(clock)
    with transaction(db.sessions) as s:
        accounts = ensure_demo_accounts(s, audit, clock)
        access.sync_telegram_users(s, audit, clock, {555: {accounts[1].id}})
    with db.sessions() as s:
        user = access.user_by_telegram_id(s, 555)
        assert user is not None
        assert access.approvable_account_ids(s, user.id) == {accounts[1].id}
        assert access.user_by_telegram_id(s, 999) is None
