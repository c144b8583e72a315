"""Own the append-only audit trail: canonical payloads, SHA-256 checksums and the hash chain."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.canonical import canonical_json, redact, sha256_hex, to_jsonable
from core.clock import Clock
from store.models import AuditLogRow

GENESIS_HASH = "0" * 64
_CHAINED_FIELDS = (
    "seq", "action_type", "action_category", "user_id", "account_id", "trade_card_id", "order_id",
    "event_id", "signal_id", "meta_data", "model_version", "strategy_version", "service_name",
    "latency_ms", "artifact_links",
)
_PG_AUDIT_LOCK = 7_700_001


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    seq: int
    action_type: str
    action_category: str | None
    payload: dict[str, Any]
    timestamp: datetime
    checksum: str
    prev_hash: str
    row_hash: str
    account_id: int | None = None
    trade_card_id: int | None = None
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    rows_checked: int
    head_hash: str
    first_bad_id: int | None = None
    first_bad_seq: int | None = None
    problem: str | None = None


def _row_hash(prev_hash: str, checksum: str, ts: datetime, fields: dict[str, Any]) -> str:
    body = {"prev_hash": prev_hash, "checksum": checksum, "timestamp": ts, **fields}
    return sha256_hex(canonical_json(body))


class AuditLog:
    """The one audit service every component calls, inside the caller's own transaction."""

    def __init__(self, clock: Clock, service_name: str = "desk") -> None:
        self._clock = clock
        self._service = service_name

    def append(
        self,
        session: Session,
        action_type: str,
        payload: dict[str, Any],
        *,
        category: str | None = None,
        latency_ms: int | None = None,
        **context: Any,
    ) -> AuditEntry:
        """Append one entry chained to the previous one; secrets in payload are redacted first.

        context may carry user_id, account_id, trade_card_id, order_id, event_id, signal_id,
        meta_data, model_version, strategy_version, service_name, artifact_links.
        """
        unknown = set(context) - set(_CHAINED_FIELDS)
        if unknown:
            raise TypeError(f"unknown audit context fields: {sorted(unknown)}")
        self._lock_head(session)
        last = session.execute(
            select(AuditLogRow.seq, AuditLogRow.row_hash).order_by(AuditLogRow.seq.desc()).limit(1)
        ).first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        clean_payload = to_jsonable(redact(payload))
        fields: dict[str, Any] = dict.fromkeys(_CHAINED_FIELDS)
        fields.update({k: to_jsonable(redact(v)) for k, v in context.items()})
        fields.update(seq=seq, action_type=action_type, action_category=category,
                      latency_ms=latency_ms)
        fields["service_name"] = fields["service_name"] or self._service
        ts = self._clock.now()
        checksum = sha256_hex(canonical_json(clean_payload))
        row = AuditLogRow(payload=clean_payload, timestamp=ts, checksum=checksum, prev_hash=prev,
                          row_hash=_row_hash(prev, checksum, ts, fields), **fields)
        session.add(row)
        session.flush()
        return _entry(row)

    @staticmethod
    def _lock_head(session: Session) -> None:
        """Serialise appends: an advisory lock on Postgres, the write lock on SQLite."""
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
        else:
            session.execute(text("UPDATE audit_logs SET seq = seq WHERE 0"))


def _entry(row: AuditLogRow) -> AuditEntry:
    return AuditEntry(
        id=row.id, seq=row.seq, action_type=row.action_type, action_category=row.action_category,
        payload=row.payload, timestamp=row.timestamp, checksum=row.checksum,
        prev_hash=row.prev_hash,
        row_hash=row.row_hash, account_id=row.account_id, trade_card_id=row.trade_card_id,
        user_id=row.user_id,
    )


def _iter_rows(session: Session, batch: int = 2000) -> Iterator[AuditLogRow]:
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditLogRow).where(AuditLogRow.id > last_id)
            .order_by(AuditLogRow.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        session.expunge_all()


def _check_row(row: AuditLogRow, expected_seq: int, prev: str) -> str | None:
    if row.seq != expected_seq:
        kind = "deleted" if row.seq > expected_seq else "reordered or duplicated"
        return f"sequence jumps from {expected_seq - 1} to {row.seq}: a row was {kind}"
    if row.prev_hash != prev:
        return "prev_hash does not match the previous row: a row before it was deleted or reordered"
    if sha256_hex(canonical_json(row.payload)) != row.checksum:
        return "payload does not match its checksum: the payload was edited"
    fields = {name: getattr(row, name) for name in _CHAINED_FIELDS}
    if _row_hash(prev, row.checksum, row.timestamp, fields) != row.row_hash:
        return "row hash does not match its fields: the row was edited"
    return None


def verify_chain(session: Session) -> VerifyResult:
    """Walk the whole chain in id order and name the first row that was edited, deleted or moved."""
    prev, expected, count = GENESIS_HASH, 1, 0
    for row in _iter_rows(session):
        problem = _check_row(row, expected, prev)
        if problem:
            return VerifyResult(False, count, prev, row.id, row.seq, problem)
        prev, expected, count = row.row_hash, expected + 1, count + 1
    return VerifyResult(True, count, prev)


def entries_for(session: Session, **where: Any) -> list[AuditEntry]:
    """Return audit entries filtered by equality on context columns, oldest first."""
    stmt = select(AuditLogRow).order_by(AuditLogRow.seq)
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditLogRow, name) == value)
    return [_entry(r) for r in session.scalars(stmt)]
