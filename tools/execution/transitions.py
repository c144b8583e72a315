"""Own the one order-state transition table; every status change of an order goes through it."""

from __future__ import annotations

from core.enums import OrderStatus as S
from core.errors import InvalidTransition

TERMINAL: frozenset[S] = frozenset({S.FILLED, S.CANCELLED, S.REJECTED, S.EXPIRED})
LIVE: frozenset[S] = frozenset({S.SUBMITTED, S.OPEN, S.TRIGGER_PENDING, S.PARTIALLY_FILLED})

# from-state -> states it may move to. A repeat of the same state is always allowed (an
# idempotent re-delivery of an update, e.g. FILLED twice); leaving a terminal state never is.
TRANSITIONS: dict[S, frozenset[S]] = {
    S.CREATED: frozenset({S.SUBMITTED, S.OPEN, S.TRIGGER_PENDING, S.PARTIALLY_FILLED, S.FILLED,
                          S.REJECTED, S.CANCELLED, S.EXPIRED}),
    S.SUBMITTED: frozenset({S.OPEN, S.TRIGGER_PENDING, S.PARTIALLY_FILLED, S.FILLED, S.REJECTED,
                            S.CANCELLED, S.EXPIRED}),
    S.TRIGGER_PENDING: frozenset({S.OPEN, S.PARTIALLY_FILLED, S.FILLED, S.REJECTED,
                                  S.CANCELLED, S.EXPIRED}),
    S.OPEN: frozenset({S.TRIGGER_PENDING, S.PARTIALLY_FILLED, S.FILLED, S.REJECTED,
                       S.CANCELLED, S.EXPIRED}),
    S.PARTIALLY_FILLED: frozenset({S.FILLED, S.CANCELLED, S.EXPIRED}),
    S.FILLED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REJECTED: frozenset(),
    S.EXPIRED: frozenset(),
}


def can_transition(current: S | str | None, target: S | str) -> bool:
    """True when an order in `current` may move to `target` (a no-op repeat counts as allowed)."""
    cur = S(current) if current else S.CREATED
    tgt = S(target)
    if cur == tgt:
        return True
    return tgt in TRANSITIONS[cur]


def check_transition(current: S | str | None, target: S | str) -> S:
    """Return the target status, or raise InvalidTransition naming both states."""
    if not can_transition(current, target):
        raise InvalidTransition(f"order cannot move from {current} to {target}")
    return S(target)


def is_terminal(status: S | str | None) -> bool:
    return status is not None and S(status) in TERMINAL


def is_live(status: S | str | None) -> bool:
    """True for orders that are (or may be) working at the broker, including unsent CREATED."""
    return status is None or S(status) in LIVE or S(status) == S.CREATED
