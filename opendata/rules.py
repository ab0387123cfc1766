"""The IATI Standard's rules that the schema cannot say, checked on an activity file.

The applicable rules of the Standard's ruleset for version 2.03 (IATI-Rulesets,
`rulesets/standard.json`) and of the IATI Validator, written out here so that the tests, the
national benchmark and an operator (`manage.py check_open_data`) check a feed the same way:

- the iati-identifier starts with the reporting organisation's identifier, which starts with
  a registered agency's prefix (core.identity.IATI_AGENCIES); no identifier holds / & | ?;
  every iati-identifier appears once in the file;
- dates in order: planned start before planned end, actual start before actual end, actual
  dates, transaction dates and value dates not in the future; every budget, result period
  starts before it ends;
- a budget period lasts at most a year, and two original budgets never overlap;
- recipient-country percentages add up to 100; sector percentages add up to 100 within each
  vocabulary; a sector of vocabulary 98 or 99 is named;
- at least one start date (planned or actual) and at least one sector;
- transactions within the activity: not before its first start, not after its actual end.

`problems(activities)` returns readable findings ("<identifier>: <rule>: <detail>"); none is the
goal.
"""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from core.identity import iati_reference_problem

FORBIDDEN = set("/&|?")
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"


def _day(text) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def _number(text) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError):
        return None


def a_year_after(day: datetime.date) -> datetime.date:
    """The same day a year later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def problems(activities, today: datetime.date | None = None) -> list[str]:
    """Every rule broken by `activities` (`<iati-activity>` elements: `root.iter(...)` of a
    parsed file, or one at a time as a large file is read)."""
    today = today or timezone.localdate()
    found = []
    identifiers = Counter()
    for activity in activities:
        identifier = activity.findtext("iati-identifier", "").strip()
        identifiers[identifier] += 1
        found.extend(f"{identifier}: {problem}" for problem in _activity(activity, today))
    found.extend(
        f"{identifier}: identifier: appears {count} times in the file"
        for identifier, count in identifiers.items()
        if count > 1
    )
    return found


def _activity(activity, today):
    identifier = activity.findtext("iati-identifier", "").strip()
    reporter = activity.find("reporting-org")
    reference = reporter.get("ref", "") if reporter is not None else ""
    if problem := iati_reference_problem(reference):
        yield f"reporting-org: {problem}"
    if not identifier.startswith(f"{reference}-"):
        yield f"identifier: does not start with the reporting organisation's {reference!r}"
    refs = [identifier, reference, *(org.get("ref", "") for org in activity.iter())]
    if any(FORBIDDEN & set(ref) for ref in refs if ref):
        yield "identifier: holds one of / & | ?"

    dates = defaultdict(list)
    for element in activity.findall("activity-date"):
        dates[element.get("type")].append(_day(element.get("iso-date")))
    first = lambda kind: min(filter(None, dates[kind]), default=None)  # noqa: E731
    if not (dates[PLANNED_START] or dates[ACTUAL_START]):
        yield "activity-date: no planned or actual start"
    for start, end, what in [
        (PLANNED_START, PLANNED_END, "planned"),
        (ACTUAL_START, ACTUAL_END, "actual"),
    ]:
        if first(start) and first(end) and first(start) > first(end):
            yield f"activity-date: the {what} start is after the {what} end"
    for kind in (ACTUAL_START, ACTUAL_END):
        if first(kind) and first(kind) > today:
            yield "activity-date: an actual date in the future"

    yield from _budgets(activity)
    yield from _percentages(activity)
    yield from _transactions(
        activity, today, first(ACTUAL_START), first(PLANNED_START), first(ACTUAL_END)
    )
    for period in activity.iterfind("result/indicator/period"):
        start = _day(period.find("period-start").get("iso-date"))
        end = _day(period.find("period-end").get("iso-date"))
        if not (start and end and start <= end):
            yield "result: a period ends before it starts"


def _budgets(activity):
    originals = []
    for budget in activity.findall("budget"):
        start = _day(budget.find("period-start").get("iso-date"))
        end = _day(budget.find("period-end").get("iso-date"))
        if not (start and end and start <= end):
            yield "budget: the period ends before it starts"
            continue
        if end > a_year_after(start):  # a year to the day is allowed, as IATI-Rulesets does
            yield f"budget: the period {start} to {end} is longer than a year"
        if budget.get("type", "1") == "1":
            originals.append((start, end))
    originals.sort()
    latest = None
    for start, end in originals:
        if latest and start <= latest:
            yield f"budget: two original budgets overlap on {start}"
        latest = max(latest or end, end)


def _percentages(activity):
    countries = [
        _number(element.get("percentage", "100"))
        for element in activity.findall("recipient-country") + activity.findall("recipient-region")
    ]
    if countries and sum(filter(None, countries)) != 100:
        yield "recipient-country: the percentages do not add up to 100"
    sectors = defaultdict(list)
    for sector in activity.findall("sector"):
        vocabulary = sector.get("vocabulary", "1")
        sectors[vocabulary].append(_number(sector.get("percentage", "100")))
        if vocabulary in ("98", "99") and sector.find("narrative") is None:
            yield f"sector: a sector of vocabulary {vocabulary} has no name"
    if not sectors and activity.find("transaction/sector") is None:
        yield "sector: none"
    for vocabulary, shares in sectors.items():
        if any(share is None or share < 0 for share in shares) or sum(shares) != 100:
            yield f"sector: the percentages of vocabulary {vocabulary} do not add up to 100"


def _transactions(activity, today, actual_start, planned_start, actual_end):
    started = min(filter(None, [actual_start, planned_start]), default=None)
    for transaction in activity.findall("transaction"):
        day = _day(transaction.find("transaction-date").get("iso-date"))
        valued = _day(transaction.find("value").get("value-date"))
        if not day or day > today or not valued or valued > today:
            yield "transaction: dated in the future"
        elif started and day < started:
            yield f"transaction: dated {day}, before the activity starts ({started})"
        elif actual_end and day > actual_end:
            yield f"transaction: dated {day}, after the activity ended ({actual_end})"
