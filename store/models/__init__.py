"""Own the import of every ORM model so Base.metadata is complete."""

from store.models.accounts import (
    Account,
    AccountAccess,
    CapitalTransaction,
    FundingPlan,
    Mandate,
    TransferProposal,
    User,
)
from store.models.base import Base
from store.models.market import BarRow, FeatureRow, Instrument, MarketFlow
from store.models.research import EventRow, EventTagRow, MetaLabelRow, PlaybookRow, SignalRow
from store.models.risk import AuditLogRow, KillSwitchRow, ReportRow, RiskSnapshotRow
from store.models.trading import FillRow, OrderRow, PositionRow, TradeCardRow

__all__ = [
    "Account",
    "AccountAccess",
    "AuditLogRow",
    "BarRow",
    "Base",
    "CapitalTransaction",
    "EventRow",
    "EventTagRow",
    "FeatureRow",
    "FillRow",
    "FundingPlan",
    "Instrument",
    "KillSwitchRow",
    "Mandate",
    "MarketFlow",
    "MetaLabelRow",
    "OrderRow",
    "PlaybookRow",
    "PositionRow",
    "ReportRow",
    "RiskSnapshotRow",
    "SignalRow",
    "TradeCardRow",
    "TransferProposal",
    "User",
]
