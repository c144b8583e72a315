"""Own the scheduled report jobs: EOD at 16:00 IST on NSE trading days, monthly on the 1st."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from core.clock import IST, to_ist
from store.db import transaction
from store.repos.reports import ReportView
from tools.market.calendar import NseCalendar
from tools.reports.data import report_account_ids
from tools.reports.service import generate_report, telegram_summary

log = logging.getLogger("desk.reports")

EOD_JOB_ID = "reports-eod"
MONTHLY_JOB_ID = "reports-monthly"


def register_report_jobs(scheduler: Any, container: Any) -> None:
    """Add the two cron jobs to an APScheduler scheduler (replacing earlier ones with the ids)."""
    scheduler.add_job(
        run_eod_job,
        CronTrigger(hour=16, minute=0, timezone=IST),
        args=[container],
        id=EOD_JOB_ID,
        replace_existing=True,
        misfire_grace_time=3600,
        coalesce=True,
    )
    scheduler.add_job(
        run_monthly_job,
        CronTrigger(day=1, hour=7, minute=0, timezone=IST),
        args=[container],
        id=MONTHLY_JOB_ID,
        replace_existing=True,
        misfire_grace_time=6 * 3600,
        coalesce=True,
    )


def _generate_all(container: Any, kind: str, day: date) -> list[ReportView]:
    views = []
    with container.sessions() as s:
        ids = report_account_ids(s)
    for account_id in ids:  # one transaction per account: one bad account spoils no other
        try:
            with transaction(container.sessions) as s:
                views.append(
                    generate_report(
                        s,
                        container.audit,
                        container.clock,
                        kind,
                        day,
                        account_id,
                        simulated=container.simulated,
                    )
                )
        except Exception:
            log.exception("%s report for account %s on %s failed", kind, account_id, day)
    return views


async def _send(container: Any, views: list[ReportView]) -> None:
    notifier = getattr(container, "notifier", None)
    if notifier is None:
        return
    for view in views:
        try:
            await notifier.notify(telegram_summary(view), account_id=view.account_id)
        except Exception:
            log.exception("could not send report %s to the notifier", view.id)


async def run_eod_job(container: Any) -> list[ReportView]:
    """Generate today's EOD reports if today (desk clock, IST) is an NSE session."""
    today = to_ist(container.clock.now()).date()
    if not NseCalendar().is_session(today):
        log.info("no EOD report: %s is not an NSE session", today)
        return []
    views = await asyncio.to_thread(_generate_all, container, "eod", today)
    await _send(container, views)
    return views


async def run_monthly_job(container: Any) -> list[ReportView]:
    """Generate the monthly reports of the month that ended yesterday."""
    last_day = to_ist(container.clock.now()).date().replace(day=1) - timedelta(days=1)
    views = await asyncio.to_thread(_generate_all, container, "monthly", last_day)
    await _send(container, views)
    return views
