"""Own the Indian equity charge schedule: brokerage, STT, exchange charges, SEBI fee, stamp duty,
GST and DP charges, computed per fill. Used by the paper broker and the backtest alike."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.enums import Product, Side
from core.money import ZERO, money, to_decimal


@dataclass(frozen=True, slots=True)
class ChargeSchedule:
    """Rates as fractions of turnover unless named _inr. Defaults: Upstox retail, NSE, 2025-26."""

    brokerage_flat_inr: Decimal = Decimal("20")
    brokerage_delivery_frac: Decimal = Decimal("0.025")  # ₹20 or 2.5 %, whichever is lower
    brokerage_intraday_frac: Decimal = Decimal("0.0005")  # ₹20 or 0.05 %, whichever is lower
    stt_delivery_frac: Decimal = Decimal("0.001")  # both sides
    stt_intraday_sell_frac: Decimal = Decimal("0.00025")  # sell side only
    exchange_txn_frac: dict[str, Decimal] | None = None
    sebi_fee_frac: Decimal = Decimal("0.000001")  # ₹10 per crore
    stamp_delivery_buy_frac: Decimal = Decimal("0.00015")
    stamp_intraday_buy_frac: Decimal = Decimal("0.00003")
    gst_frac: Decimal = Decimal("0.18")
    dp_charge_inr: Decimal = Decimal("20")  # per scrip on a delivery sell

    def exchange_frac(self, exchange: str) -> Decimal:
        table = self.exchange_txn_frac or {"NSE": Decimal("0.0000297"), "BSE": Decimal("0.0000375")}
        return table.get(exchange.upper(), table["NSE"])


DEFAULT_SCHEDULE = ChargeSchedule()


@dataclass(frozen=True, slots=True)
class ChargeBreakdown:
    brokerage: Decimal
    stt: Decimal
    exchange_txn: Decimal
    sebi_fee: Decimal
    stamp_duty: Decimal
    gst: Decimal
    dp_charge: Decimal

    @property
    def total(self) -> Decimal:
        return money(self.brokerage + self.stt + self.exchange_txn + self.sebi_fee
                     + self.stamp_duty + self.gst + self.dp_charge)

    def as_dict(self) -> dict[str, str]:
        return {k: str(getattr(self, k)) for k in
                ("brokerage", "stt", "exchange_txn", "sebi_fee", "stamp_duty", "gst", "dp_charge")
                } | {"total": str(self.total)}


def compute_charges(
    side: Side,
    product: Product,
    quantity: int,
    price: object,
    exchange: str = "NSE",
    schedule: ChargeSchedule = DEFAULT_SCHEDULE,
) -> ChargeBreakdown:
    """Charges for one executed order leg (a fill) of `quantity` shares at `price`."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    turnover = to_decimal(price) * quantity
    intraday = product == Product.INTRADAY
    pct = schedule.brokerage_intraday_frac if intraday else schedule.brokerage_delivery_frac
    brokerage = min(schedule.brokerage_flat_inr, turnover * pct)
    if intraday:
        stt = turnover * schedule.stt_intraday_sell_frac if side == Side.SELL else ZERO
        stamp = turnover * schedule.stamp_intraday_buy_frac if side == Side.BUY else ZERO
        dp = ZERO
    else:
        stt = turnover * schedule.stt_delivery_frac
        stamp = turnover * schedule.stamp_delivery_buy_frac if side == Side.BUY else ZERO
        dp = schedule.dp_charge_inr if side == Side.SELL else ZERO
    exch = turnover * schedule.exchange_frac(exchange)
    sebi = turnover * schedule.sebi_fee_frac
    gst = (brokerage + exch + sebi + dp) * schedule.gst_frac
    return ChargeBreakdown(
        brokerage=money(brokerage), stt=money(stt), exchange_txn=money(exch), sebi_fee=money(sebi),
        stamp_duty=money(stamp), gst=money(gst), dp_charge=money(dp),
    )


def round_trip_cost_frac(price: float, quantity: int, product: Product = Product.DELIVERY) -> float:
    """Total charges of a buy and a sell at `price`, as a fraction of the buy turnover."""
    buy = compute_charges(Side.BUY, product, quantity, price).total
    sell = compute_charges(Side.SELL, product, quantity, price).total
    return float((buy + sell) / (to_decimal(price) * quantity))
