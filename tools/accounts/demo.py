"""Own the offline default's two demo accounts: a steady SIP one and a tactical lump sum."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import Clock, to_ist
from core.enums import AccountType, FundingType, Objective, Role, SipFrequency, Strategy
from store.audit import AuditLog
from store.models import Account
from tools.accounts.access import ensure_user, grant
from tools.accounts.schemas import AccountSpec, FundingPlanSpec, MandateSpec, TrancheStep
from tools.accounts.service import create_account, list_accounts
from tools.accounts.views import AccountView

DEMO_USER = "demo"
SIP_NAME = "SIP — Steady (24m)"
LUMP_NAME = "Lump sum — Event tactical"


def demo_specs(clock: Clock) -> list[AccountSpec]:
    """The two contrasting demo mandates (what a cautious SIP saver and a tactical trader want)."""
    today = to_ist(clock.now()).date()
    sip = AccountSpec(
        name=SIP_NAME, owner=DEMO_USER, account_type=AccountType.SIP,
        mandate=MandateSpec(
            objective=Objective.RISK_MINIMIZED, risk_per_trade_percent=0.75, max_positions=6,
            max_sector_exposure_percent=25, horizon_min_days=3, horizon_max_days=15,
            banned_sectors=("Realty",), earnings_blackout_days=3,
            liquidity_floor_adv=Decimal("200000000"),
            allowed_strategies=(Strategy.MOMENTUM, Strategy.MEAN_REVERSION, Strategy.ML),
            sl_multiplier=2.0, tp_multiplier=3.0, trailing_stop_enabled=False,
            max_daily_loss_percent=1.5, max_drawdown_percent=8,
            summary="Monthly SIP of ₹25,000 for 24 months; low risk per trade, steady compounding, "
                    "no real estate.",
        ),
        funding=FundingPlanSpec(
            funding_type=FundingType.SIP, sip_amount=Decimal("25000"),
            sip_frequency=SipFrequency.MONTHLY, sip_start_date=today.replace(day=1),
            sip_duration_months=24, carry_forward_enabled=True, max_carry_forward_percent=50,
            emergency_buffer_percent=10,
        ),
    )
    lump = AccountSpec(
        name=LUMP_NAME, owner=DEMO_USER, account_type=AccountType.LUMP_SUM,
        mandate=MandateSpec(
            objective=Objective.MAX_PROFIT, risk_per_trade_percent=1.5, max_positions=8,
            max_sector_exposure_percent=35, horizon_min_days=1, horizon_max_days=10,
            earnings_blackout_days=1, liquidity_floor_adv=Decimal("50000000"),
            allowed_strategies=(Strategy.EVENT_DRIVEN, Strategy.MOMENTUM, Strategy.ML),
            sl_multiplier=1.5, tp_multiplier=3.0, trailing_stop_enabled=True,
            max_daily_loss_percent=3, max_drawdown_percent=15,
            summary="₹5,00,000 lump sum deployed in three tranches into event-driven and momentum "
                    "trades over days, with trailing stops.",
        ),
        funding=FundingPlanSpec(
            funding_type=FundingType.LUMP_SUM, lump_sum_amount=Decimal("500000"),
            lump_sum_date=today - timedelta(days=1),
            tranche_plan=(TrancheStep(percent=40, trigger="immediate"),
                          TrancheStep(percent=30, trigger="dip:5"),
                          TrancheStep(percent=30, trigger="days:30")),
            carry_forward_enabled=False, emergency_buffer_percent=5,
        ),
    )
    return [sip, lump]


def ensure_demo_accounts(
    session: Session, audit: AuditLog, clock: Clock, password: str | None = None
) -> list[AccountView]:
    """Create the demo user and both demo accounts if missing; idempotent."""
    user = ensure_user(session, audit, clock, DEMO_USER, password=password, role=Role.TRADER,
                       display_name="Demo trader")
    for spec in demo_specs(clock):
        acc_id = session.scalar(select(Account.id).where(Account.user_id == spec.owner,
                                                         Account.name == spec.name))
        if acc_id is None:
            acc_id = create_account(session, audit, clock, spec, user="system").id
            grant(session, audit, user.id, acc_id, can_approve=True)
    return [a for a in list_accounts(session) if a.user_id == DEMO_USER]
