"""The order-state transition table: allowed moves, terminal states, idempotent repeats."""

from __future__ import annotations

import itertools

import pytest

from core.enums import OrderStatus as S
from core.errors import InvalidTransition
from tools.execution.transitions import TERMINAL, TRANSITIONS, can_transition, check_transition


def test_every_status_has_a_row() -> None:
    assert set(TRANSITIONS) == set(S)


@pytest.mark.parametrize("final", sorted(TERMINAL))
def test_terminal_states_never_move(final: S) -> None:
    for target in S:
        if target != final:
            with pytest.raises(InvalidTransition):
                check_transition(final, target)


def test_repeat_is_a_no_op_even_when_terminal() -> None:
    assert can_transition(S.FILLED, S.FILLED)
    assert can_transition(S.OPEN, S.OPEN)


def test_happy_paths() -> None:
    path = [S.CREATED, S.SUBMITTED, S.OPEN, S.PARTIALLY_FILLED, S.FILLED]
    for a, b in itertools.pairwise(path):
        assert check_transition(a, b) == b
    assert can_transition(S.TRIGGER_PENDING, S.OPEN)  # an SL that triggered rests as a limit


def test_backwards_moves_are_refused() -> None:
    assert not can_transition(S.OPEN, S.SUBMITTED)
    assert not can_transition(S.PARTIALLY_FILLED, S.OPEN)
    with pytest.raises(InvalidTransition, match="from FILLED to CANCELLED"):
        check_transition(S.FILLED, S.CANCELLED)
