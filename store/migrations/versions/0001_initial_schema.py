"""Initial schema: every seed table plus instruments, bars, users, access, fills, reports.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 08:59:35.293158
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import store.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

AUDIT_GUARD_FN = """
CREATE OR REPLACE FUNCTION desk_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_logs is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS vector")

    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("account_type", sa.String(length=50), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_accounts_user_id_name")),
    )
    op.create_table(
        "audit_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("action_type", sa.String(length=50), nullable=False),
        sa.Column("action_category", sa.String(length=50), nullable=True),
        sa.Column("user_id", sa.String(length=50), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("trade_card_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("signal_id", sa.Integer(), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "meta_data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("model_version", sa.String(length=50), nullable=True),
        sa.Column("strategy_version", sa.String(length=50), nullable=True),
        sa.Column("service_name", sa.String(length=100), nullable=True),
        sa.Column("timestamp", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column(
            "artifact_links",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_logs")),
        sa.UniqueConstraint("row_hash", name=op.f("uq_audit_logs_row_hash")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_logs_seq")),
    )
    with op.batch_alter_table("audit_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_logs_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_logs_action_category"), ["action_category"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_logs_trade_card_id"), ["trade_card_id"], unique=False
        )

    op.create_table(
        "bars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=30), nullable=False),
        sa.Column("exchange", sa.String(length=10), nullable=False),
        sa.Column("interval", sa.String(length=5), nullable=False),
        sa.Column("ts", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("open", sa.Float(), nullable=False),
        sa.Column("high", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=False),
        sa.Column("close", sa.Float(), nullable=False),
        sa.Column("volume", sa.BigInteger(), nullable=False),
        sa.Column("oi", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bars")),
        sa.UniqueConstraint(
            "symbol", "exchange", "interval", "ts", name=op.f("uq_bars_symbol_exchange_interval_ts")
        ),
    )
    with op.batch_alter_table("bars", schema=None) as batch_op:
        batch_op.create_index("ix_bars_interval_ts", ["interval", "ts"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("artifact_url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("raw_content", sa.Text(), nullable=True),
        sa.Column("normalized_content", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("event_type", sa.String(length=50), nullable=True),
        sa.Column("priority", sa.String(length=20), nullable=True),
        sa.Column(
            "symbols",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("sector", sa.String(length=50), nullable=True),
        sa.Column("event_timestamp", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ingested_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("processed_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "features",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("processing_status", sa.String(length=20), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("embedding", store.types.Embedding(), nullable=True),
        sa.Column("embedding_model", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["duplicate_of"], ["events.id"], name=op.f("fk_events_duplicate_of_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint(
            "source",
            "source_url",
            "event_timestamp",
            name=op.f("uq_events_source_source_url_event_timestamp"),
        ),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_content_hash"), ["content_hash"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_events_event_timestamp"), ["event_timestamp"], unique=False
        )
        batch_op.create_index(
            "ix_events_status_priority", ["processing_status", "priority"], unique=False
        )

    op.create_table(
        "features",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=30), nullable=False),
        sa.Column("exchange", sa.String(length=10), nullable=True),
        sa.Column("timestamp", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("close", sa.Float(), nullable=True),
        sa.Column("momentum_5d", sa.Float(), nullable=True),
        sa.Column("momentum_10d", sa.Float(), nullable=True),
        sa.Column("momentum_20d", sa.Float(), nullable=True),
        sa.Column("atr_percent", sa.Float(), nullable=True),
        sa.Column("atr_14d", sa.Float(), nullable=True),
        sa.Column("rsi_14", sa.Float(), nullable=True),
        sa.Column("gap_percent", sa.Float(), nullable=True),
        sa.Column("gap_filled", sa.Boolean(), nullable=True),
        sa.Column("realized_vol_20d", sa.Float(), nullable=True),
        sa.Column("adv_20d_inr", sa.Float(), nullable=True),
        sa.Column("iv_rank", sa.Float(), nullable=True),
        sa.Column("pcr", sa.Float(), nullable=True),
        sa.Column("pcr_delta", sa.Float(), nullable=True),
        sa.Column("oi_change_percent", sa.Float(), nullable=True),
        sa.Column("futures_basis", sa.Float(), nullable=True),
        sa.Column("regime_label", sa.String(length=20), nullable=True),
        sa.Column("liquidity_regime", sa.String(length=20), nullable=True),
        sa.Column("fpi_flow_5d", sa.Float(), nullable=True),
        sa.Column("dii_flow_5d", sa.Float(), nullable=True),
        sa.Column("data_source", sa.String(length=50), nullable=True),
        sa.Column("computed_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_features")),
        sa.UniqueConstraint(
            "symbol", "exchange", "timestamp", name=op.f("uq_features_symbol_exchange_timestamp")
        ),
    )
    with op.batch_alter_table("features", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_features_timestamp"), ["timestamp"], unique=False)

    op.create_table(
        "instruments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=30), nullable=False),
        sa.Column("exchange", sa.String(length=10), nullable=False),
        sa.Column("isin", sa.String(length=12), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("series", sa.String(length=5), nullable=True),
        sa.Column("sector", sa.String(length=100), nullable=True),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("lot_size", sa.Integer(), nullable=False),
        sa.Column("tick_size", store.types.Price(precision=18, scale=4), nullable=False),
        sa.Column("instrument_key", sa.String(length=60), nullable=True),
        sa.Column("market_cap_cr", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("listing_date", sa.Date(), nullable=True),
        sa.Column("aliases", sa.String(length=500), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instruments")),
        sa.UniqueConstraint("instrument_key", name=op.f("uq_instruments_instrument_key")),
        sa.UniqueConstraint("symbol", "exchange", name=op.f("uq_instruments_symbol_exchange")),
    )
    with op.batch_alter_table("instruments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instruments_isin"), ["isin"], unique=False)

    op.create_table(
        "market_flows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("buy_cr", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("sell_cr", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("net_cr", store.types.Money(precision=18, scale=2), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_flows")),
        sa.UniqueConstraint("date", "category", name=op.f("uq_market_flows_date_category")),
    )
    op.create_table(
        "playbooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("event_type", sa.String(length=50), nullable=False),
        sa.Column(
            "regime_match",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("priority_boost", sa.Float(), nullable=True),
        sa.Column(
            "tranche_plan",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("acceptable_gap_chase_percent", sa.Float(), nullable=True),
        sa.Column("sl_multiplier_override", sa.Float(), nullable=True),
        sa.Column("tp_multiplier_override", sa.Float(), nullable=True),
        sa.Column("pause_smallcap", sa.Boolean(), nullable=True),
        sa.Column("pause_duration_hours", sa.Integer(), nullable=True),
        sa.Column(
            "rotate_exposure_sectors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("stance", sa.String(length=20), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbooks")),
        sa.UniqueConstraint("name", name=op.f("uq_playbooks_name")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=50), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("telegram_user_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_users_telegram_user_id")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "account_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("can_view", sa.Boolean(), nullable=False),
        sa.Column("can_approve", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_access_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_account_access_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_access")),
        sa.UniqueConstraint(
            "user_id", "account_id", name=op.f("uq_account_access_user_id_account_id")
        ),
    )
    op.create_table(
        "capital_transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("transaction_type", sa.String(length=50), nullable=True),
        sa.Column("amount", store.types.Money(precision=18, scale=2), nullable=False),
        sa.Column("from_account_id", sa.Integer(), nullable=True),
        sa.Column("to_account_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("timestamp", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=50), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_capital_transactions_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["from_account_id"],
            ["accounts.id"],
            name=op.f("fk_capital_transactions_from_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["to_account_id"],
            ["accounts.id"],
            name=op.f("fk_capital_transactions_to_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capital_transactions")),
        sa.UniqueConstraint("reference", name=op.f("uq_capital_transactions_reference")),
    )
    with op.batch_alter_table("capital_transactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_capital_transactions_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "event_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "entities",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "tickers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("event_type", sa.String(length=50), nullable=True),
        sa.Column("stance", sa.String(length=20), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("impact_score", sa.Float(), nullable=True),
        sa.Column("model_version", sa.String(length=50), nullable=True),
        sa.Column("tagged_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_tags_event_id_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_tags")),
    )
    with op.batch_alter_table("event_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_tags_event_id"), ["event_id"], unique=False)

    op.create_table(
        "funding_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("funding_type", sa.String(length=50), nullable=True),
        sa.Column("sip_amount", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("sip_frequency", sa.String(length=20), nullable=True),
        sa.Column("sip_start_date", sa.Date(), nullable=True),
        sa.Column("sip_duration_months", sa.Integer(), nullable=True),
        sa.Column("lump_sum_amount", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("lump_sum_date", sa.Date(), nullable=True),
        sa.Column(
            "tranche_plan",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("carry_forward_enabled", sa.Boolean(), nullable=True),
        sa.Column("max_carry_forward_percent", sa.Float(), nullable=True),
        sa.Column("emergency_buffer_percent", sa.Float(), nullable=True),
        sa.Column("total_deployed", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("available_cash", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("reserved_cash", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_funding_plans_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_plans")),
    )
    with op.batch_alter_table("funding_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_funding_plans_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "kill_switches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("switch_type", sa.String(length=50), nullable=True),
        sa.Column("threshold_value", sa.Float(), nullable=True),
        sa.Column("threshold_type", sa.String(length=20), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_triggered", sa.Boolean(), nullable=False),
        sa.Column("triggered_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("triggered_value", sa.Float(), nullable=True),
        sa.Column("trigger_reason", sa.Text(), nullable=True),
        sa.Column(
            "action_on_trigger",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("auto_reset_minutes", sa.Integer(), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_kill_switches_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kill_switches")),
    )
    with op.batch_alter_table("kill_switches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kill_switches_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "mandates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("objective", sa.String(length=50), nullable=True),
        sa.Column("risk_per_trade_percent", sa.Float(), nullable=True),
        sa.Column("max_positions", sa.Integer(), nullable=True),
        sa.Column("max_sector_exposure_percent", sa.Float(), nullable=True),
        sa.Column("horizon_min_days", sa.Integer(), nullable=True),
        sa.Column("horizon_max_days", sa.Integer(), nullable=True),
        sa.Column(
            "banned_sectors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("earnings_blackout_days", sa.Integer(), nullable=True),
        sa.Column("liquidity_floor_adv", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("min_market_cap", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column(
            "allowed_strategies",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("sl_multiplier", sa.Float(), nullable=True),
        sa.Column("tp_multiplier", sa.Float(), nullable=True),
        sa.Column("trailing_stop_enabled", sa.Boolean(), nullable=True),
        sa.Column("max_daily_loss_percent", sa.Float(), nullable=True),
        sa.Column("max_drawdown_percent", sa.Float(), nullable=True),
        sa.Column("approval_mode", sa.String(length=30), nullable=True),
        sa.Column(
            "assumption_log",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_mandates_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mandates")),
        sa.UniqueConstraint("account_id", "version", name=op.f("uq_mandates_account_id_version")),
    )
    with op.batch_alter_table("mandates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mandates_account_id"), ["account_id"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("report_date", sa.Date(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column(
            "summary",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_reports_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint(
            "kind", "report_date", "account_id", name=op.f("uq_reports_kind_report_date_account_id")
        ),
    )
    op.create_table(
        "risk_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("total_open_risk", sa.Float(), nullable=True),
        sa.Column("total_unrealized_pnl", sa.Float(), nullable=True),
        sa.Column("open_positions_count", sa.Integer(), nullable=True),
        sa.Column("daily_new_risk", sa.Float(), nullable=True),
        sa.Column("daily_realized_pnl", sa.Float(), nullable=True),
        sa.Column("daily_max_drawdown", sa.Float(), nullable=True),
        sa.Column("portfolio_volatility", sa.Float(), nullable=True),
        sa.Column("volatility_target", sa.Float(), nullable=True),
        sa.Column("equity", sa.Float(), nullable=True),
        sa.Column(
            "sector_exposures",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "kill_switches_active",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("timestamp", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_risk_snapshots_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_snapshots")),
    )
    with op.batch_alter_table("risk_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_snapshots_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_risk_snapshots_timestamp"), ["timestamp"], unique=False
        )

    op.create_table(
        "signals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=30), nullable=False),
        sa.Column("exchange", sa.String(length=10), nullable=True),
        sa.Column("strategy", sa.String(length=50), nullable=True),
        sa.Column("direction", sa.String(length=10), nullable=True),
        sa.Column("edge", sa.Float(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("horizon_days", sa.Integer(), nullable=True),
        sa.Column("tp_probability", sa.Float(), nullable=True),
        sa.Column("sl_probability", sa.Float(), nullable=True),
        sa.Column("quality_score", sa.Float(), nullable=True),
        sa.Column("regime_compatible", sa.Boolean(), nullable=True),
        sa.Column(
            "thesis_bullets",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("model_version", sa.String(length=50), nullable=True),
        sa.Column("feature_snapshot_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("generated_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_signals_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["feature_snapshot_id"],
            ["features.id"],
            name=op.f("fk_signals_feature_snapshot_id_features"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signals")),
    )
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_signals_status_generated", ["status", "generated_at"], unique=False
        )

    op.create_table(
        "meta_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signal_id", sa.Integer(), nullable=False),
        sa.Column("is_trustworthy", sa.Boolean(), nullable=True),
        sa.Column("quality_score", sa.Float(), nullable=True),
        sa.Column("regime_score", sa.Float(), nullable=True),
        sa.Column("liquidity_score", sa.Float(), nullable=True),
        sa.Column("crowding_score", sa.Float(), nullable=True),
        sa.Column("timing_score", sa.Float(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("model_version", sa.String(length=50), nullable=True),
        sa.Column("computed_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["signal_id"], ["signals.id"], name=op.f("fk_meta_labels_signal_id_signals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_labels")),
    )
    with op.batch_alter_table("meta_labels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meta_labels_signal_id"), ["signal_id"], unique=False)

    op.create_table(
        "trade_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("signal_id", sa.Integer(), nullable=True),
        sa.Column("symbol", sa.String(length=30), nullable=False),
        sa.Column("exchange", sa.String(length=10), nullable=True),
        sa.Column("direction", sa.String(length=10), nullable=True),
        sa.Column("entry_price", store.types.Price(precision=18, scale=4), nullable=False),
        sa.Column("entry_order_type", sa.String(length=10), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("position_size_rupees", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("stop_loss", store.types.Price(precision=18, scale=4), nullable=False),
        sa.Column("take_profit", store.types.Price(precision=18, scale=4), nullable=False),
        sa.Column(
            "trailing_stop_config",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "tranche_config",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("strategy", sa.String(length=50), nullable=True),
        sa.Column("thesis", sa.Text(), nullable=True),
        sa.Column(
            "evidence_links",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("edge", sa.Float(), nullable=True),
        sa.Column("horizon_days", sa.Integer(), nullable=True),
        sa.Column("risk_amount", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("reward_amount", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("risk_reward_ratio", sa.Float(), nullable=True),
        sa.Column("risks", sa.Text(), nullable=True),
        sa.Column("liquidity_check", sa.Boolean(), nullable=True),
        sa.Column("position_size_check", sa.Boolean(), nullable=True),
        sa.Column("exposure_check", sa.Boolean(), nullable=True),
        sa.Column("event_window_check", sa.Boolean(), nullable=True),
        sa.Column("regime_check", sa.Boolean(), nullable=True),
        sa.Column("catalyst_freshness_check", sa.Boolean(), nullable=True),
        sa.Column("overbought_check", sa.Boolean(), nullable=True),
        sa.Column(
            "risk_warnings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("playbook_id", sa.Integer(), nullable=True),
        sa.Column(
            "playbook_overrides",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=True),
        sa.Column("model_version", sa.String(length=50), nullable=True),
        sa.Column("judge_rationale", sa.Text(), nullable=True),
        sa.Column("card_hash", sa.String(length=64), nullable=True),
        sa.Column("meta_label_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rejected_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("executed_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=50), nullable=True),
        sa.Column("approved_quantity", sa.Integer(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("decided_via", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_trade_cards_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_trade_cards_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["meta_label_id"],
            ["meta_labels.id"],
            name=op.f("fk_trade_cards_meta_label_id_meta_labels"),
        ),
        sa.ForeignKeyConstraint(
            ["playbook_id"], ["playbooks.id"], name=op.f("fk_trade_cards_playbook_id_playbooks")
        ),
        sa.ForeignKeyConstraint(
            ["signal_id"], ["signals.id"], name=op.f("fk_trade_cards_signal_id_signals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trade_cards")),
    )
    with op.batch_alter_table("trade_cards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_trade_cards_account_status", ["account_id", "status"], unique=False
        )

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trade_card_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("client_order_id", sa.String(length=40), nullable=False),
        sa.Column("broker", sa.String(length=20), nullable=True),
        sa.Column("broker_order_id", sa.String(length=100), nullable=True),
        sa.Column("parent_order_id", sa.Integer(), nullable=True),
        sa.Column("order_category", sa.String(length=20), nullable=True),
        sa.Column("symbol", sa.String(length=30), nullable=False),
        sa.Column("exchange", sa.String(length=10), nullable=True),
        sa.Column("order_type", sa.String(length=20), nullable=True),
        sa.Column("transaction_type", sa.String(length=10), nullable=True),
        sa.Column("product", sa.String(length=10), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("price", store.types.Price(precision=18, scale=4), nullable=True),
        sa.Column("trigger_price", store.types.Price(precision=18, scale=4), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("status_message", sa.Text(), nullable=True),
        sa.Column("filled_quantity", sa.Integer(), nullable=False),
        sa.Column("average_price", store.types.Price(precision=18, scale=4), nullable=True),
        sa.Column("fees", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("placed_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("filled_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_orders_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["parent_order_id"], ["orders.id"], name=op.f("fk_orders_parent_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["trade_card_id"], ["trade_cards.id"], name=op.f("fk_orders_trade_card_id_trade_cards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("client_order_id", name=op.f("uq_orders_client_order_id")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_account_status", ["account_id", "status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_orders_broker_order_id"), ["broker_order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_orders_trade_card_id"), ["trade_card_id"], unique=False
        )

    op.create_table(
        "positions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("trade_card_id", sa.Integer(), nullable=True),
        sa.Column("symbol", sa.String(length=30), nullable=False),
        sa.Column("exchange", sa.String(length=10), nullable=True),
        sa.Column("sector", sa.String(length=100), nullable=True),
        sa.Column("strategy", sa.String(length=50), nullable=True),
        sa.Column("direction", sa.String(length=10), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("initial_quantity", sa.Integer(), nullable=True),
        sa.Column("average_entry_price", store.types.Price(precision=18, scale=4), nullable=False),
        sa.Column("current_price", store.types.Price(precision=18, scale=4), nullable=True),
        sa.Column("stop_loss", store.types.Price(precision=18, scale=4), nullable=True),
        sa.Column("take_profit", store.types.Price(precision=18, scale=4), nullable=True),
        sa.Column(
            "trailing_stop_config",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("unrealized_pnl", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("realized_pnl", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("fees_paid", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("risk_amount", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("reward_potential", store.types.Money(precision=18, scale=2), nullable=True),
        sa.Column("exit_reason", sa.String(length=30), nullable=True),
        sa.Column("opened_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_positions_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["trade_card_id"],
            ["trade_cards.id"],
            name=op.f("fk_positions_trade_card_id_trade_cards"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_positions")),
    )
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_positions_account_closed", ["account_id", "closed_at"], unique=False
        )

    op.create_table(
        "transfer_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("from_account_id", sa.Integer(), nullable=True),
        sa.Column("to_account_id", sa.Integer(), nullable=True),
        sa.Column("amount", store.types.Money(precision=18, scale=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("trade_card_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=50), nullable=True),
        sa.Column("expires_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_account_id"],
            ["accounts.id"],
            name=op.f("fk_transfer_proposals_from_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["to_account_id"],
            ["accounts.id"],
            name=op.f("fk_transfer_proposals_to_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["trade_card_id"],
            ["trade_cards.id"],
            name=op.f("fk_transfer_proposals_trade_card_id_trade_cards"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_proposals")),
    )
    op.create_table(
        "fills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("broker_trade_id", sa.String(length=100), nullable=False),
        sa.Column("symbol", sa.String(length=30), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("price", store.types.Price(precision=18, scale=4), nullable=False),
        sa.Column("fees", store.types.Money(precision=18, scale=2), nullable=False),
        sa.Column(
            "fee_breakdown",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("ts", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_fills_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_fills_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fills")),
        sa.UniqueConstraint("broker_trade_id", name=op.f("uq_fills_broker_trade_id")),
    )
    with op.batch_alter_table("fills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fills_order_id"), ["order_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_events_embedding_hnsw ON events "
            "USING hnsw (embedding vector_cosine_ops)"
        )
        op.execute(AUDIT_GUARD_FN)
        op.execute(
            "CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs "
            "FOR EACH ROW EXECUTE FUNCTION desk_audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs "
            "FOR EACH STATEMENT EXECUTE FUNCTION desk_audit_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_logs_append_only ON audit_logs")
        op.execute("DROP TRIGGER IF EXISTS audit_logs_no_truncate ON audit_logs")
        op.execute("DROP FUNCTION IF EXISTS desk_audit_append_only()")

    with op.batch_alter_table("fills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fills_order_id"))

    op.drop_table("fills")
    op.drop_table("transfer_proposals")
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_index("ix_positions_account_closed")

    op.drop_table("positions")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_trade_card_id"))
        batch_op.drop_index(batch_op.f("ix_orders_broker_order_id"))
        batch_op.drop_index("ix_orders_account_status")

    op.drop_table("orders")
    with op.batch_alter_table("trade_cards", schema=None) as batch_op:
        batch_op.drop_index("ix_trade_cards_account_status")

    op.drop_table("trade_cards")
    with op.batch_alter_table("meta_labels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meta_labels_signal_id"))

    op.drop_table("meta_labels")
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.drop_index("ix_signals_status_generated")

    op.drop_table("signals")
    with op.batch_alter_table("risk_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_snapshots_timestamp"))
        batch_op.drop_index(batch_op.f("ix_risk_snapshots_account_id"))

    op.drop_table("risk_snapshots")
    op.drop_table("reports")
    with op.batch_alter_table("mandates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mandates_account_id"))

    op.drop_table("mandates")
    with op.batch_alter_table("kill_switches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kill_switches_account_id"))

    op.drop_table("kill_switches")
    with op.batch_alter_table("funding_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funding_plans_account_id"))

    op.drop_table("funding_plans")
    with op.batch_alter_table("event_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_tags_event_id"))

    op.drop_table("event_tags")
    with op.batch_alter_table("capital_transactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capital_transactions_account_id"))

    op.drop_table("capital_transactions")
    op.drop_table("account_access")
    op.drop_table("users")
    op.drop_table("playbooks")
    op.drop_table("market_flows")
    with op.batch_alter_table("instruments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instruments_isin"))

    op.drop_table("instruments")
    with op.batch_alter_table("features", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_features_timestamp"))

    op.drop_table("features")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_status_priority")
        batch_op.drop_index(batch_op.f("ix_events_event_timestamp"))
        batch_op.drop_index(batch_op.f("ix_events_content_hash"))

    op.drop_table("events")
    with op.batch_alter_table("bars", schema=None) as batch_op:
        batch_op.drop_index("ix_bars_interval_ts")

    op.drop_table("bars")
    with op.batch_alter_table("audit_logs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_logs_trade_card_id"))
        batch_op.drop_index(batch_op.f("ix_audit_logs_action_category"))
        batch_op.drop_index(batch_op.f("ix_audit_logs_account_id"))

    op.drop_table("audit_logs")
    op.drop_table("accounts")
