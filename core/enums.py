"""Own every enumerated concept of the desk, one StrEnum each."""

from __future__ import annotations

from enum import StrEnum


class AccountType(StrEnum):
    SIP = "SIP"
    LUMP_SUM = "LUMP_SUM"
    EVENT_TACTICAL = "EVENT_TACTICAL"


class AccountStatus(StrEnum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    CLOSED = "CLOSED"


class Objective(StrEnum):
    MAX_PROFIT = "MAX_PROFIT"
    RISK_MINIMIZED = "RISK_MINIMIZED"
    BALANCED = "BALANCED"


class FundingType(StrEnum):
    SIP = "SIP"
    LUMP_SUM = "LUMP_SUM"
    HYBRID = "HYBRID"


class SipFrequency(StrEnum):
    MONTHLY = "MONTHLY"
    WEEKLY = "WEEKLY"


class CapitalTxnType(StrEnum):
    DEPOSIT = "DEPOSIT"
    WITHDRAWAL = "WITHDRAWAL"
    TRANSFER_IN = "TRANSFER_IN"
    TRANSFER_OUT = "TRANSFER_OUT"
    SIP_INSTALLMENT = "SIP_INSTALLMENT"
    TRANCHE_RELEASE = "TRANCHE_RELEASE"
    RESERVE = "RESERVE"
    RELEASE = "RELEASE"
    REALIZED_PNL = "REALIZED_PNL"
    FEES = "FEES"
    STAGED_DEPOSIT = "STAGED_DEPOSIT"  # lump sum received but not released (tranches)
    DEPLOY = "DEPLOY"  # reserved cash → open position at cost (entry fill)
    UNWIND = "UNWIND"  # open position at cost → available cash (exit fill)


class Strategy(StrEnum):
    MOMENTUM = "momentum"
    MEAN_REVERSION = "mean_reversion"
    EVENT_DRIVEN = "event_driven"
    ML = "ml"


class EventSource(StrEnum):
    NSE_FILING = "NSE_FILING"
    BSE_ANNOUNCEMENT = "BSE_ANNOUNCEMENT"
    RSS = "RSS"
    NEWS_API = "NEWS_API"
    GDELT = "GDELT"
    RBI = "RBI"
    SEBI = "SEBI"
    PIB = "PIB"
    SIMULATED = "SIMULATED"


class EventType(StrEnum):
    BUYBACK = "BUYBACK"
    EARNINGS = "EARNINGS"
    GUIDANCE = "GUIDANCE"
    DIVIDEND = "DIVIDEND"
    M_AND_A = "M&A"
    ORDER_WIN = "ORDER_WIN"
    PENALTY = "PENALTY"
    REGULATORY = "REGULATORY"
    MANAGEMENT_CHANGE = "MANAGEMENT_CHANGE"
    RATING = "RATING"
    POLICY = "POLICY"
    MACRO = "MACRO"
    OTHER = "OTHER"


class Priority(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class ProcessingStatus(StrEnum):
    PENDING = "PENDING"
    PROCESSED = "PROCESSED"
    FAILED = "FAILED"


class Stance(StrEnum):
    BULLISH = "BULLISH"
    BEARISH = "BEARISH"
    NEUTRAL = "NEUTRAL"


class Direction(StrEnum):
    LONG = "LONG"
    SHORT = "SHORT"


class VolRegime(StrEnum):
    LOW_VOL = "LOW_VOL"
    MED_VOL = "MED_VOL"
    HIGH_VOL = "HIGH_VOL"


class LiquidityRegime(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class SignalStatus(StrEnum):
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    ACTED_ON = "ACTED_ON"


class CardStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    BLOCKED = "BLOCKED"
    EXECUTED = "EXECUTED"
    FILLED = "FILLED"
    CLOSED = "CLOSED"


class OrderCategory(StrEnum):
    ENTRY = "ENTRY"
    STOP_LOSS = "STOP_LOSS"
    TAKE_PROFIT = "TAKE_PROFIT"
    TRAIL = "TRAIL"
    EXIT = "EXIT"
    PARTIAL_EXIT = "PARTIAL_EXIT"


class OrderType(StrEnum):
    MARKET = "MARKET"
    LIMIT = "LIMIT"
    SL = "SL"
    SL_M = "SL-M"


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class Product(StrEnum):
    INTRADAY = "I"
    DELIVERY = "D"
    MTF = "MTF"


class OrderStatus(StrEnum):
    CREATED = "CREATED"
    SUBMITTED = "SUBMITTED"
    OPEN = "OPEN"
    TRIGGER_PENDING = "TRIGGER_PENDING"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"


class SwitchType(StrEnum):
    MAX_DAILY_LOSS = "MAX_DAILY_LOSS"
    MAX_DRAWDOWN = "MAX_DRAWDOWN"
    VOL_SPIKE = "VOL_SPIKE"
    MAX_OPEN_RISK = "MAX_OPEN_RISK"
    MANUAL = "MANUAL"


class ThresholdType(StrEnum):
    ABSOLUTE = "ABSOLUTE"
    PERCENTAGE = "PERCENTAGE"


class AuditCategory(StrEnum):
    SYSTEM = "SYSTEM"
    ACCOUNT = "ACCOUNT"
    INGESTION = "INGESTION"
    FEATURES = "FEATURES"
    SIGNAL = "SIGNAL"
    PLAYBOOK = "PLAYBOOK"
    ALLOCATION = "ALLOCATION"
    JUDGE = "JUDGE"
    APPROVAL = "APPROVAL"
    EXECUTION = "EXECUTION"
    TREASURY = "TREASURY"
    RISK = "RISK"
    ACCESS = "ACCESS"
    REPORT = "REPORT"


class DataSource(StrEnum):
    """Provenance label for bars and features; SIMULATED must be shown wherever it is used."""

    SIMULATED = "SIMULATED"
    REPLAY = "REPLAY"
    YFINANCE = "YFINANCE"
    UPSTOX = "UPSTOX"
    NSE_BHAVCOPY = "NSE_BHAVCOPY"
    CSV = "CSV"


class Role(StrEnum):
    ADMIN = "ADMIN"
    TRADER = "TRADER"
    VIEWER = "VIEWER"


class MarketPhase(StrEnum):
    """Where the NSE cash market is in its day (IST): pre-open, continuous, closing session."""

    PRE_OPEN = "PRE_OPEN"
    OPEN = "OPEN"
    CLOSING = "CLOSING"
    CLOSED = "CLOSED"
