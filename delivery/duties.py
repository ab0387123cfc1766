"""What each side owes: the reports a running program has not filed, what waits for the
planners. The home pages' to-do lists and the daily reminders read them here."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from programs.models import Program

from . import periods
from .models import Report

# A report that counts as filed for its period: sent to the planners at least once.
FILED = [Report.Status.SUBMITTED, Report.Status.RETURNED, Report.Status.VERIFIED]


@dataclass
class Owed:
    """A quarter of a running program with no report filed for it."""

    program: Program
    quarter: periods.Quarter
    draft: Report | None

    @property
    def late(self) -> bool:
        return timezone.localdate() > self.quarter.due


def reports_owed(programs, today: datetime.date | None = None) -> list[Owed]:
    """Each finished quarter of each approved or running program, from its start, that no
    filed report covers (a draft does not count; it is linked). Two queries."""
    today = today or timezone.localdate()
    programs = list(programs.filter(status__in=Program.REPORTING).select_related("company"))
    reports = Report.objects.filter(program__in=programs).only(
        "program_id", "period_start", "period_end", "status"
    )
    by_program: dict[int, list[Report]] = {}
    for report in reports:
        by_program.setdefault(report.program_id, []).append(report)
    owed = []
    for program in programs:
        if not program.start_date:
            continue
        last = min(program.end_date or today, today)
        for quarter in periods.quarters(program.start_date, last):
            if quarter.end >= today:
                continue  # not finished yet
            covering = [
                r
                for r in by_program.get(program.pk, [])
                if r.period_start <= quarter.end and r.period_end >= quarter.start
            ]
            if any(r.status in FILED for r in covering):
                continue
            owed.append(Owed(program, quarter, next(iter(covering), None)))
    return sorted(owed, key=lambda item: (item.quarter.end, item.program.title))


def missing_last_quarter(today: datetime.date | None = None):
    """Approved and running programs that ran during the last finished quarter and have
    filed no report covering it: the reminders' list, in one query however many programs."""
    quarter = periods.last_finished(today or timezone.localdate())
    filed = Report.objects.filter(
        program=OuterRef("pk"),
        status__in=FILED,
        period_start__lte=quarter.end,
        period_end__gte=quarter.start,
    )
    programs = Program.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=quarter.start),
        status__in=Program.REPORTING,
        start_date__lte=quarter.end,
    ).exclude(Exists(filed))
    return quarter, programs.select_related("company")
