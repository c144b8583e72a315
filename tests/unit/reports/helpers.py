"""Hand-built store rows for report and web tests: an account, cards, orders, fills, positions."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from core.enums import CapitalTxnType, CardStatus, OrderCategory, OrderStatus
from store.models import (
    Account,
    BarRow,
    CapitalTransaction,
    FillRow,
    OrderRow,
    PositionRow,
    TradeCardRow,
)


def add_account(
    session: Session, at: datetime, name: str = "Test SIP", deposit: str = "100000"
) -> int:
    acc = Account(
        user_id="demo", name=name, account_type="SIP", status="ACTIVE", created_at=at, updated_at=at
    )
    session.add(acc)
    session.flush()
    session.add(
        CapitalTransaction(
            account_id=acc.id,
            transaction_type=CapitalTxnType.DEPOSIT,
            amount=Decimal(deposit),
            timestamp=at - timedelta(days=30),
            reason="initial deposit",
        )
    )
    session.flush()
    return acc.id


def add_card(
    session: Session,
    account_id: int,
    at: datetime,
    symbol: str,
    *,
    status: str,
    qty: int = 10,
    entry: str = "100",
    stop: str = "95",
    target: str = "110",
    strategy: str = "momentum",
    expires_in: timedelta = timedelta(hours=1),
) -> int:
    card = TradeCardRow(
        account_id=account_id,
        symbol=symbol,
        exchange="NSE",
        direction="LONG",
        entry_price=Decimal(entry),
        entry_order_type="LIMIT",
        quantity=qty,
        stop_loss=Decimal(stop),
        take_profit=Decimal(target),
        strategy=strategy,
        thesis=f"{symbol} breaks out on volume",
        evidence_links=[
            {"kind": "article", "url": f"https://example.org/{symbol}", "title": "headline"}
        ],
        risks="gap risk",
        status=status,
        created_at=at,
        expires_at=at + expires_in,
        card_hash="0" * 64,
        risk_amount=Decimal("50"),
        reward_amount=Decimal("100"),
        liquidity_check=True,
        position_size_check=True,
        exposure_check=True,
    )
    session.add(card)
    session.flush()
    return card.id


def add_fill(
    session: Session,
    card_id: int,
    account_id: int,
    symbol: str,
    at: datetime,
    side: str,
    qty: int,
    price: str,
    fees: str,
    leg: str,
) -> None:
    category = OrderCategory.ENTRY if leg == "entry" else OrderCategory.TAKE_PROFIT
    order = OrderRow(
        trade_card_id=card_id,
        account_id=account_id,
        client_order_id=f"c{card_id}-{leg}",
        broker="paper",
        order_category=category,
        symbol=symbol,
        exchange="NSE",
        order_type="LIMIT",
        transaction_type=side,
        product="D",
        quantity=qty,
        price=Decimal(price),
        status=OrderStatus.FILLED,
        filled_quantity=qty,
        average_price=Decimal(price),
        placed_at=at,
        updated_at=at,
        filled_at=at,
    )
    session.add(order)
    session.flush()
    session.add(
        FillRow(
            order_id=order.id,
            account_id=account_id,
            broker_trade_id=f"t{card_id}-{leg}",
            symbol=symbol,
            side=side,
            quantity=qty,
            price=Decimal(price),
            fees=Decimal(fees),
            ts=at,
        )
    )
    session.flush()


def closed_trade(
    session: Session,
    account_id: int,
    opened: datetime,
    closed: datetime,
    symbol: str,
    entry: str,
    exit_: str,
    qty: int,
    *,
    strategy: str = "momentum",
) -> int:
    card = add_card(
        session,
        account_id,
        opened - timedelta(minutes=5),
        symbol,
        status=CardStatus.CLOSED,
        qty=qty,
        entry=entry,
        strategy=strategy,
    )
    add_fill(session, card, account_id, symbol, opened, "BUY", qty, entry, "10", "entry")
    add_fill(session, card, account_id, symbol, closed, "SELL", qty, exit_, "12", "exit")
    session.add(
        PositionRow(
            account_id=account_id,
            trade_card_id=card,
            symbol=symbol,
            exchange="NSE",
            sector="IT",
            strategy=strategy,
            direction="LONG",
            quantity=0,
            initial_quantity=qty,
            average_entry_price=Decimal(entry),
            opened_at=opened,
            closed_at=closed,
            exit_reason="TARGET",
        )
    )
    session.flush()
    return card


def open_trade(
    session: Session,
    account_id: int,
    opened: datetime,
    symbol: str,
    entry: str,
    qty: int,
    mark: str,
) -> int:
    card = add_card(
        session,
        account_id,
        opened - timedelta(minutes=5),
        symbol,
        status=CardStatus.EXECUTED,
        qty=qty,
        entry=entry,
        stop="95",
    )
    add_fill(session, card, account_id, symbol, opened, "BUY", qty, entry, "5", "entry")
    session.add(
        PositionRow(
            account_id=account_id,
            trade_card_id=card,
            symbol=symbol,
            exchange="NSE",
            sector="Banks",
            strategy="momentum",
            direction="LONG",
            quantity=qty,
            initial_quantity=qty,
            average_entry_price=Decimal(entry),
            current_price=Decimal(mark),
            stop_loss=Decimal("97"),
            take_profit=Decimal("110"),
            opened_at=opened,
        )
    )
    session.add(
        BarRow(
            symbol=symbol,
            exchange="NSE",
            interval="1m",
            ts=opened + timedelta(hours=1),
            open=float(mark),
            high=float(mark),
            low=float(mark),
            close=float(mark),
            volume=100,
            source="SIMULATED",
        )
    )
    session.flush()
    return card
