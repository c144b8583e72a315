"""Signed button tokens: short, bound to object + hash + expiry, and every tampering is named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.callbacks import MAX_BYTES, TokenError, parse, sign, verify

KEY = b"k" * 32
HASH = "ab" * 32
NOW = datetime(2025, 12, 16, 4, 0, tzinfo=UTC)
EXP = NOW + timedelta(hours=1)


def test_round_trip_and_size():
    token = sign(KEY, "ca", 123456789, HASH, EXP)
    assert len(token.encode()) <= MAX_BYTES
    ok = verify(KEY, token, HASH, NOW)
    assert (ok.action, ok.object_id) == ("ca", 123456789)


@pytest.mark.parametrize("reason_part", ["signature"])
def test_forged_signature(reason_part):
    token = sign(KEY, "ca", 5, HASH, EXP)
    with pytest.raises(TokenError, match=reason_part):
        verify(b"other-key", token, HASH, NOW)


def test_action_swapped_is_refused():
    token = sign(KEY, "cr", 5, HASH, EXP)
    with pytest.raises(TokenError, match="signature"):
        verify(KEY, "ca" + token[2:], HASH, NOW)


def test_changed_object_is_named():
    token = sign(KEY, "ca", 5, HASH, EXP)
    with pytest.raises(TokenError, match="changed"):
        verify(KEY, token, "cd" * 32, NOW)


def test_expired():
    token = sign(KEY, "ca", 5, HASH, EXP)
    with pytest.raises(TokenError, match="expired"):
        verify(KEY, token, HASH, EXP)


@pytest.mark.parametrize("junk", ["", "ca", "zz:1:abc:1:sig", "ca:x:abc:1:sig", "a:b:c:d:e:f"])
def test_junk_is_not_mine(junk):
    with pytest.raises(TokenError, match="not one of mine"):
        parse(junk)


def test_unknown_action_cannot_be_signed():
    with pytest.raises(ValueError, match="unknown"):
        sign(KEY, "xx", 1, HASH, EXP)
