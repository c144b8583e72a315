"""Playbooks: validation, versioned + audited edits, idempotent defaults, selection, overrides."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.errors import NotFound, ValidationError
from store.audit import AuditLog, verify_chain
from tools.playbooks.defaults import DEFAULT_PLAYBOOKS, ensure_default_playbooks
from tools.playbooks.engine import apply_overrides, select_playbook, smallcap_pause_until
from tools.playbooks.service import PlaybookService, history, validate

GOOD = {
    "event_type": "BUYBACK",
    "regime_match": {"volatility": ["LOW"]},
    "priority_boost": 0.2,
    "tranche_plan": [{"percent": 50}, {"percent": 50, "delay_minutes": 30}],
}


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"event_type": "LOTTERY"}, "event_type"),
        ({"priority_boost": 5}, "priority_boost"),
        ({"priority_boost": "high"}, "priority_boost"),
        ({"sl_multiplier_override": 0}, "sl_multiplier_override"),
        ({"tranche_plan": [{"percent": 60}, {"percent": 30}]}, "tranche_plan"),
        ({"tranche_plan": [{"delay_minutes": 5}]}, "tranche_plan[0]"),
        ({"regime_match": {"volatility": ["WILD"]}}, "regime_match.volatility"),
        ({"regime_match": {"mood": ["HIGH"]}}, "regime_match"),
        ({"pause_smallcap": True}, "pause_duration_hours"),
        ({"pause_smallcap": True, "pause_duration_hours": 1.5}, "pause_duration_hours"),
        ({"stance": "EUPHORIC"}, "stance"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_validation_names_the_field(patch: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate({**GOOD, **patch})
    assert err.value.field == field


def test_validation_normalises_regime_aliases() -> None:
    assert validate(GOOD)["regime_match"] == {"volatility": ["LOW_VOL"]}


def test_put_versions_and_audits_every_change(db, clock) -> None:
    svc = PlaybookService(clock)
    with db.sessions.begin() as s:
        pb = svc.put(s, "my-buyback", GOOD, user_id="alice")
        assert pb.version == 1
        assert svc.put(s, "my-buyback", GOOD).version == 1  # unchanged: no new version
        pb2 = svc.put(s, "my-buyback", {**GOOD, "priority_boost": 0.4}, user_id="alice")
        assert pb2.version == 2
        off = svc.set_active(s, "my-buyback", False, user_id="bob")
        assert off.version == 3
        assert not off.is_active
        h = history(s, "my-buyback")
        assert [e.action for e in h] == [
            "playbook.created",
            "playbook.updated",
            "playbook.disabled",
        ]
        assert h[1].before["priority_boost"] == 0.2
        assert h[1].after["priority_boost"] == 0.4
        assert h[2].user_id == "bob"
        assert verify_chain(s).ok
    with db.sessions.begin() as s, pytest.raises(ValidationError):
        svc.put(s, "my-buyback", {**GOOD, "priority_boost": 9})
    with db.sessions() as s:
        assert history(s, "my-buyback")[-1].version == 3  # the bad edit changed nothing


def test_defaults_are_seeded_once_and_user_edits_survive(db, clock) -> None:
    audit = AuditLog(clock)
    with db.sessions.begin() as s:
        created = ensure_default_playbooks(s, audit, clock)
        assert {p.name for p in created} == set(DEFAULT_PLAYBOOKS)
        PlaybookService(clock, audit).put(
            s, "sebi-penalty", {**DEFAULT_PLAYBOOKS["sebi-penalty"], "priority_boost": -0.9}
        )
        assert ensure_default_playbooks(s, audit, clock) == []
        assert select_playbook(s, "PENALTY", "LOW_VOL", "HIGH").priority_boost == -0.9


def test_select_most_specific_match(db, clock) -> None:
    svc = PlaybookService(clock)
    with db.sessions.begin() as s:
        ensure_default_playbooks(s, AuditLog(clock), clock)
        svc.put(
            s,
            "any-high-vol",
            {"event_type": "*", "regime_match": {"volatility": ["HIGH"]}, "priority_boost": -0.1},
        )
        assert select_playbook(s, "BUYBACK", "LOW_VOL", "HIGH", "BULLISH").name == "buyback-low-vol"
        # Illiquid names do not match the buyback playbook's liquidity condition.
        assert select_playbook(s, "BUYBACK", "LOW_VOL", "LOW", "BULLISH") is None
        assert (
            select_playbook(s, "EARNINGS", "HIGH_VOL", "HIGH", "BEARISH").name
            == "earnings-miss-high-vol"
        )
        # No EARNINGS playbook for a bullish high-vol print: the wildcard applies.
        assert select_playbook(s, "EARNINGS", "HIGH_VOL", "HIGH", "BULLISH").name == "any-high-vol"
        assert select_playbook(s, "BUYBACK", None, None, "BULLISH") is None
        svc.set_active(s, "any-high-vol", False)
        assert select_playbook(s, "EARNINGS", "HIGH_VOL", "HIGH", "BULLISH") is None


def test_apply_overrides(db, clock) -> None:
    with db.sessions.begin() as s:
        ensure_default_playbooks(s, AuditLog(clock), clock)
        pb = select_playbook(s, "EARNINGS", "HIGH_VOL", "HIGH", "BEARISH")
    o = apply_overrides(
        pb, sl_multiplier=1.0, tp_multiplier=2.0, priority=0.5, max_gap_chase_pct=3.0
    )
    assert (o.sl_multiplier, o.tp_multiplier) == (1.5, 2.0)
    assert o.priority == pytest.approx(0.2)
    assert o.max_gap_chase_pct == 1.0
    assert not o.gap_chase_ok(1.5)
    assert o.gap_chase_ok(1.5, direction_sign=-1)
    assert [t["percent"] for t in o.tranche_plan] == [50.0, 50.0]
    assert set(o.applied) == {"sl_multiplier", "priority", "max_gap_chase_pct", "tranche_plan"}
    assert smallcap_pause_until(pb, clock.now()) == clock.now() + timedelta(hours=24)
    plain = apply_overrides(
        None, sl_multiplier=1.0, tp_multiplier=2.0, priority=0.5, max_gap_chase_pct=3.0
    )
    assert plain.applied == {}
    assert plain.playbook_id is None


def test_unknown_playbook(db, clock) -> None:
    with db.sessions.begin() as s, pytest.raises(NotFound):
        PlaybookService(clock).set_active(s, "nope", False)
