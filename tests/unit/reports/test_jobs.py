"""The scheduled report jobs: triggers at 16:00 IST and on the 1st, sessions only, notifier."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.jobs_reports import (
    EOD_JOB_ID,
    MONTHLY_JOB_ID,
    register_report_jobs,
    run_eod_job,
    run_monthly_job,
)
from core.clock import IST, FakeClock
from store.audit import AuditLog
from store.db import transaction
from store.repos.reports import list_reports
from tests.unit.reports.helpers import add_account


@dataclass
class Notes:
    sent: list[tuple[str, int | None]] = field(default_factory=list)

    async def notify(self, text: str, account_id: int | None = None) -> None:
        self.sent.append((text, account_id))


@dataclass
class FakeContainer:
    sessions: Any
    clock: FakeClock
    audit: AuditLog
    notifier: Notes
    simulated: bool = True


def _container(db: Any, at: datetime) -> FakeContainer:  # the db fixture's Database
    clock = FakeClock(at)
    return FakeContainer(db.sessions, clock, AuditLog(clock), Notes())


def test_jobs_are_registered_with_ist_cron_triggers() -> None:
    scheduler = AsyncIOScheduler(timezone="Asia/Kolkata")
    register_report_jobs(scheduler, object())
    eod, monthly = scheduler.get_job(EOD_JOB_ID), scheduler.get_job(MONTHLY_JOB_ID)
    assert "hour='16'" in str(eod.trigger)
    assert "minute='0'" in str(eod.trigger)
    assert "day='1'" in str(monthly.trigger)
    assert str(eod.trigger.timezone) == "Asia/Kolkata"


async def test_eod_job_runs_on_a_session_and_notifies(db) -> None:  # type: ignore[no-untyped-def]
    c = _container(db, datetime(2025, 12, 16, 16, 0, tzinfo=IST))  # a Tuesday session
    with transaction(db.sessions) as s:
        acc = add_account(s, c.clock.now())
    views = await run_eod_job(c)
    assert [(v.kind, v.report_date, v.account_id) for v in views] == [
        ("EOD", date(2025, 12, 16), acc)
    ]
    assert len(c.notifier.sent) == 1
    assert c.notifier.sent[0][1] == acc
    assert "SIMULATED" in c.notifier.sent[0][0]
    # holidays and weekends get no EOD report
    for day in (
        datetime(2025, 12, 25, 16, 0, tzinfo=IST),
        datetime(2025, 12, 20, 16, 0, tzinfo=IST),
    ):
        c = _container(db, day)  # Christmas (NSE holiday), a Saturday
        with transaction(db.sessions) as s:
            add_account(s, c.clock.now(), name=f"acc {day.day}")
        assert await run_eod_job(c) == []
        assert c.notifier.sent == []
    with db.sessions() as s:
        assert len(list_reports(s)) == 1


async def test_monthly_job_reports_the_month_that_ended(db) -> None:  # type: ignore[no-untyped-def]
    c = _container(db, datetime(2026, 1, 1, 7, 0, tzinfo=IST))
    with transaction(db.sessions) as s:
        add_account(s, datetime(2025, 12, 1, 9, 0, tzinfo=IST))
    views = await run_monthly_job(c)
    assert [(v.kind, v.report_date) for v in views] == [("MONTHLY", date(2025, 12, 1))]
    assert views[0].summary["through"] == "2025-12-31"
