"""Reporting compliance per company: of the quarters for which its committed programs owed a
realization report (the quarter is over and its due date has passed), how many were filed on
time, late, or not at all, and how many were verified.

A quarter counts as filed when a report covering it was sent to the planners at least once;
on time when its first sending (the first transition to "submitted") came by the quarter's due
date, so a report returned for correction and sent again is not made late by the correction.
Two queries for any number of companies; the quarters are counted in Python.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from companies.models import Company, Sector
from core import audit, kept, tenancy
from core.mail import send_on_commit
from programs.models import Program

from . import periods
from .duties import FILED
from .models import Reminder, Report

# Seconds every company's counts are shared (per process, or in Redis with REDIS_URL).
SUMMARY_CACHE_SECONDS = 60
# How far back the page looks for the last reminder (the table only grows).
REMINDERS_SHOWN = datetime.timedelta(days=92)
# Programs that owed reports: running ones, and those completed (their quarters were owed).
OWING = [*Program.REPORTING, Program.Status.COMPLETED]
# Companies whose programs and reports the stored summary counts in one go (memory).
COUNTED_TOGETHER = 500
# Missing reports a table row lists (a company can owe dozens: 50 rows of them made a page
# of 230 kB that took 100 ms to draw).
MISSING_LISTED = 10


@dataclass
class Missing:
    program: Program | int
    title: str
    quarter: periods.Quarter


@dataclass
class Compliance:
    company: Company  # or, in the shared summary, its CompanyName
    running: int = 0
    due: int = 0
    on_time: int = 0
    late: int = 0
    verified: int = 0
    missing_count: int = 0
    missing: list[Missing] = field(default_factory=list)  # with details=True only
    last_reminded: datetime.datetime | None = None

    @property
    def missing_listed(self) -> list[Missing]:
        """The first missing reports, for a table row; the reminder's email lists them all."""
        return self.missing[:MISSING_LISTED]

    @property
    def missing_lines(self) -> list[str]:
        """The same, as the lines of a list ("Title, Quarter 3 2025")."""
        return [f"{item.title}, {item.quarter}" for item in self.missing_listed]

    @property
    def missing_unlisted(self) -> int:
        return max(0, self.missing_count - len(self.missing_listed))

    @property
    def filed(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> int | None:
        """Percent of the reports due that were filed; None when none was due yet."""
        return round(100 * self.filed / self.due) if self.due else None


def by_company(
    companies,
    today: datetime.date | None = None,
    *,
    details: bool = True,
    listed: int | None = None,
) -> list[Compliance]:
    """The compliance of each of `companies` (a queryset or a list), in their order; with
    `details`, each missing report is listed (the first `listed` of each company, None: all),
    else only counted (a smaller result to cache)."""
    today = today or timezone.localdate()
    rows = {company.pk: Compliance(company) for company in companies}
    # The request's region's programs: each region counts only its own.
    owing = Program.objects.in_region().filter(status__in=OWING, start_date__isnull=False)
    if isinstance(companies, QuerySet):  # a join, not thousands of ids in the query
        owing = owing.filter(company__in=companies.order_by().values("pk"))
    else:
        owing = owing.filter(company__in=list(rows))
    programs = owing.values_list("pk", "company_id", "title", "status", "start_date", "end_date")
    reports: dict[int, list[tuple]] = {}
    for report in (
        Report.objects.filter(program__in=owing.values("pk"), status__in=FILED)
        .annotate(
            first_sent=Min(
                "transitions__at", filter=Q(transitions__to_status=Report.Status.SUBMITTED)
            )
        )
        .values_list("program_id", "period_start", "period_end", "status", "first_sent")
    ):
        reports.setdefault(report[0], []).append(report)
    # Quarters as numbers (year * 4 + quarter - 1): a company owes dozens and a region's
    # summary counts hundreds of thousands, so no Quarter object is made but for a missing one.
    last_due = periods.last_due(today).index
    dues: dict[int, datetime.date] = {}  # each quarter's due date, met thousands of times
    for pk, company_id, title, status, start, end in programs:
        row = rows[company_id]
        row.running += status in Program.REPORTING
        first = periods.Quarter.of(start).index
        last = min(periods.Quarter.of(min(end or today, today)).index, last_due)
        if last < first:
            continue
        # Of each quarter a report covers: its first sending and whether one was verified.
        covered: dict[int, list] = {}
        for _pk, period_start, period_end, report_status, first_sent in reports.get(pk, ()):
            sent = timezone.localdate(first_sent) if first_sent else None
            verified = report_status == Report.Status.VERIFIED
            for index in range(
                max(periods.Quarter.of(period_start).index, first),
                min(periods.Quarter.of(period_end).index, last) + 1,
            ):
                cover = covered.setdefault(index, [None, False])
                if sent and (cover[0] is None or sent < cover[0]):
                    cover[0] = sent
                cover[1] = cover[1] or verified
        row.due += last - first + 1
        for index in range(first, last + 1):
            cover = covered.get(index)
            if cover is None:
                row.missing_count += 1
                if details and (listed is None or len(row.missing) < listed):
                    row.missing.append(Missing(pk, title, periods.Quarter.at(index)))
                continue
            if index not in dues:
                dues[index] = periods.Quarter.at(index).due
            if cover[0] is None or cover[0] <= dues[index]:
                row.on_time += 1  # no transition recorded (imported data): counted on time
            else:
                row.late += 1
            row.verified += cover[1]
    recent = timezone.now() - REMINDERS_SHOWN
    for key, sent_at in Reminder.objects.filter(
        kind=Reminder.Kind.MISSING_REPORTS,
        sent_at__gte=recent,
        key__startswith=f"{tenancy.current_code()}:",  # this region's reminders
    ).values_list("key", "sent_at"):
        row = rows.get(int(key.split(":")[1]))
        if row and (row.last_reminded is None or sent_at > row.last_reminded):
            row.last_reminded = sent_at
    return list(rows.values())


class CompanyName(NamedTuple):
    """What the shared counts keep of a company: enough to filter, sort, link and export them.
    A whole model instance per company made reading 5,000 rows back from the cache cost 160 ms."""

    pk: int
    name: str
    sector: str
    slug: str

    def get_sector_display(self) -> str:
        return Sector.objects.label(self.sector)

    get_absolute_url = Company.get_absolute_url


def region_companies() -> QuerySet:
    """The companies the request's region follows: those with ring villages there, and those
    with a program sent to its plans (not the whole registry of a many-region deployment)."""
    programs = Program.objects.in_region().exclude(status=Program.Status.DRAFT)
    return Company.objects.filter(
        Q(pk__in=Company.objects.with_rings_in(tenancy.current_code()).values("pk"))
        | Q(pk__in=programs.values("company_id"))
    )


# The orders the page offers (delivery.filters.ComplianceFilter.ORDERS), as sort keys of the
# stored tuples: (pk, name, sector, running, due, on_time, late, verified, missing, reminded,
# rate, slug).
ORDERS = {
    "rate": lambda t: (t[10] is None, t[10] or 0, -t[8]),
    "missing": lambda t: (-t[8], t[1]),
    "name": None,  # as counted: by name
}


def _rate(due: int, filed: int) -> int | None:
    return round(100 * filed / due) if due else None


# Named for the layout of its tuples: a value kept by an older release is never read as one.
@kept.renewable("compliance-summary", fresh=SUMMARY_CACHE_SECONDS, per_language=False)
def _counted(day: str) -> dict:
    """Every company's counts in the request's region on `day`, stored ready to show: plain
    tuples (they come back from the cache several times faster than objects), each rate
    computed once, and the positions of the rows in each order the page offers."""
    companies = list(region_companies().order_by("name").only("pk", "name", "sector", "slug"))
    today = datetime.date.fromisoformat(day)
    rows = []
    # A few hundred companies at a time: their programs and reports are read into memory, and
    # a process that has held a whole country's (130,000 programs) keeps that memory after.
    for start in range(0, len(companies), COUNTED_TOGETHER):
        batch = companies[start : start + COUNTED_TOGETHER]
        rows.extend(
            (
                *(r.company.pk, r.company.name, r.company.sector_id),
                *(r.running, r.due, r.on_time, r.late, r.verified, r.missing_count),
                r.last_reminded,
                _rate(r.due, r.on_time + r.late),
                r.company.slug,
            )
            for r in by_company(batch, today, details=False)
        )
    positions = range(len(rows))
    orders = {
        name: list(positions) if key is None else sorted(positions, key=lambda i: key(rows[i]))
        for name, key in ORDERS.items()
    }
    return {"rows": rows, "orders": orders}


class Summary(Sequence):
    """The stored counts in one order, made into Compliance rows only when read: a page of 50
    builds 50, not one per company of the region."""

    def __init__(self, stored: dict, order: list[int]):
        self.stored, self.order = stored, order

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._row(i) for i in self.order[index]]
        return self._row(self.order[index])

    def _row(self, position: int) -> Compliance:
        row = self.stored["rows"][position]
        return Compliance(CompanyName(*row[:3], row[11]), *row[3:9], last_reminded=row[9])

    def arranged(self, *, ids=None, missing: bool | None = None, order: str = "rate"):
        """The rows of the companies `ids` (None: all), with (True) or without (False) missing
        reports (None: either), in `order`."""
        rows = self.stored["rows"]
        kept = set(self.order) if len(self.order) != len(rows) else None
        ordered = self.stored["orders"].get(order, self.stored["orders"]["rate"])
        if kept is None and ids is None and missing is None:
            return Summary(self.stored, ordered)
        chosen = [
            i
            for i in ordered
            if (kept is None or i in kept)
            and (ids is None or rows[i][0] in ids)
            and (missing is None or bool(rows[i][8]) == missing)
        ]
        return Summary(self.stored, chosen)


def summary(today: datetime.date | None = None) -> Summary:
    """Every company's counts in the request's region (by name), without the missing reports'
    details, kept for a minute and renewed without a planner waiting (core.kept): for a whole
    country's companies the count takes about a second."""
    today = today or timezone.localdate()
    stored = _counted(today.isoformat())
    return Summary(stored, stored["orders"]["name"])


def with_details(rows: list[Compliance]) -> list[Compliance]:
    """The same companies' rows counted afresh, each missing report listed (a page of the
    shared summary, whose rows only count them), in the same order."""
    ids = [row.company.pk for row in rows]
    companies = Company.objects.in_bulk(ids)
    fresh = {row.company.pk: row for row in by_company(companies.values(), listed=MISSING_LISTED)}
    return [fresh[pk] for pk in ids if pk in fresh]


def reminders_due(today: datetime.date) -> tuple[int, int]:
    """(companies with missing reports, those of them not yet reminded today), from the
    shared summary: what "remind every company" would do."""
    missing = [row for row in summary(today) if row.missing_count]
    reminded = [
        row
        for row in missing
        if row.last_reminded and timezone.localdate(row.last_reminded) == today
    ]
    return len(missing), len(missing) - len(reminded)


def forget_summary() -> None:
    """Count the request's region afresh at its next page (reminders were just sent)."""
    _counted.forget(timezone.localdate().isoformat())


@transaction.atomic
def remind_missing(*, compliance: Compliance, by, today: datetime.date | None = None) -> int:
    """Email the company's officers the list of reports it has not filed (once a day each),
    and record who asked. Returns the number of officers emailed."""
    if not compliance.missing:
        return 0
    today = today or timezone.localdate()
    company = compliance.company
    sent = 0
    for membership in company.memberships.filter(user__is_active=True).select_related("user"):
        user = membership.user
        if not user.email:
            continue
        _reminder, created = Reminder.objects.get_or_create(
            kind=Reminder.Kind.MISSING_REPORTS,
            user=user,
            # Once a day per region: each region reminds of its own programs' reports.
            key=f"{tenancy.current_code()}:{company.pk}:{today.isoformat()}",
        )
        if created:
            send_on_commit(
                "delivery/email/missing_reports.txt",
                {"company": company, "missing": compliance.missing},
                [user.email],
            )
            sent += 1
    if not sent:
        return 0
    transaction.on_commit(forget_summary)  # the list shows when it was reminded
    audit.record(
        company,
        by=by,
        changes={},
        action=audit.Action.ACCESS,
        data={"event": "missing_reports_reminder", "missing": compliance.missing_count},
    )
    return sent
