"""Own the backtest fill model: slippage against the trader on every fill plus the real Indian
charge schedule (brokerage, STT, exchange, SEBI, stamp duty, GST, DP) from tools.charges."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.enums import Product, Side
from core.errors import ValidationError
from core.money import money, to_decimal
from tools.charges import DEFAULT_SCHEDULE, ChargeSchedule, compute_charges


@dataclass(frozen=True, slots=True)
class RoundTrip:
    """One executed entry and exit with its costs; money in Decimal rupees."""

    quantity: int
    entry_fill: Decimal
    exit_fill: Decimal
    charges_inr: Decimal
    slippage_inr: Decimal
    gross_pnl_inr: Decimal  # at fill prices (after slippage), before charges
    net_pnl_inr: Decimal

    @property
    def entry_value_inr(self) -> Decimal:
        return money(self.entry_fill * self.quantity)


@dataclass(frozen=True, slots=True)
class FillModel:
    """Fills at the reference price moved `slippage_bps` against the trader, then charged."""

    slippage_bps: float = 5.0
    stop_extra_bps: float = 5.0  # stops are market orders into a falling book: extra slippage
    product: Product = Product.DELIVERY
    exchange: str = "NSE"
    schedule: ChargeSchedule = DEFAULT_SCHEDULE

    def __post_init__(self) -> None:
        if self.slippage_bps < 0 or self.stop_extra_bps < 0:
            raise ValidationError("slippage cannot be negative", field="slippage_bps")

    def fill_price(self, side: Side, ref_price: float, *, stop: bool = False) -> Decimal:
        """Price actually obtained for a `side` order at `ref_price` (paise precision)."""
        if not ref_price > 0:
            raise ValidationError(
                f"reference price must be positive, got {ref_price}", field="ref_price"
            )
        bps = self.slippage_bps + (self.stop_extra_bps if stop else 0.0)
        sign = 1 if side == Side.BUY else -1
        return to_decimal(ref_price * (1 + sign * bps / 10_000)).quantize(Decimal("0.01"))

    def entry(self, quantity: int, ref_price: float, direction: int = 1) -> tuple[Decimal, Decimal]:
        """(fill price, charges) of opening `quantity` at `ref_price`."""
        side = self._sides(quantity, direction)[0]
        fill = self.fill_price(side, ref_price)
        return fill, compute_charges(
            side, self.product, quantity, fill, self.exchange, self.schedule
        ).total

    def exit(
        self, quantity: int, ref_price: float, direction: int = 1, *, stop: bool = False
    ) -> tuple[Decimal, Decimal]:
        """(fill price, charges) of closing `quantity` at `ref_price` (stops slip more)."""
        side = self._sides(quantity, direction)[1]
        fill = self.fill_price(side, ref_price, stop=stop)
        return fill, compute_charges(
            side, self.product, quantity, fill, self.exchange, self.schedule
        ).total

    def _sides(self, quantity: int, direction: int) -> tuple[Side, Side]:
        if quantity <= 0:
            raise ValidationError("quantity must be positive", field="quantity")
        if direction == -1 and self.product == Product.DELIVERY:
            raise ValidationError(
                "cash-equity shorts cannot be carried as delivery in India", field="direction"
            )
        return (Side.BUY, Side.SELL) if direction == 1 else (Side.SELL, Side.BUY)

    def round_trip(
        self,
        quantity: int,
        entry_ref: float,
        exit_ref: float,
        *,
        direction: int = 1,
        stop_exit: bool = False,
    ) -> RoundTrip:
        """Enter at `entry_ref` and exit at `exit_ref` (long: buy then sell; short: the reverse)."""
        entry, c_in = self.entry(quantity, entry_ref, direction)
        exit_, c_out = self.exit(quantity, exit_ref, direction, stop=stop_exit)
        gross = money((exit_ - entry) * quantity * direction)
        ideal = (to_decimal(exit_ref) - to_decimal(entry_ref)) * quantity * direction
        return RoundTrip(
            quantity=quantity,
            entry_fill=entry,
            exit_fill=exit_,
            charges_inr=money(c_in + c_out),
            slippage_inr=money(ideal - gross),
            gross_pnl_inr=gross,
            net_pnl_inr=money(gross - c_in - c_out),
        )
