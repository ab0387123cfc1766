"""The city's committed CSR programs as IATI activities, version 2.03 (iatistandard.org).

One activity per approved, running or completed program of the current plan, with what the
public pages show and nothing else (never a draft, an undecided program, a file or a person):

- identifier `<organisation identifier>-<program id>`; the reporting organisation is the
  regency or city, under the identifier its administrators registered (ServedRegion's
  `iati_reference`, or IATI_ORGANISATION_REF for the default region): a region without one is
  not published, since an identifier of our own making would break the Standard's rules;
- participating organisations: the company (funding, private sector) and the partners
  (implementing; a partner company as private sector, a village government or agency as
  government, a community group or NGO as such);
- status (approved: pipeline, running: implementation, completed: closed), planned start and
  end, actual start and end from the status changes;
- Indonesia as recipient country, each desa or kelurahan as a location (its Kepmendagri code as
  the location's reference, its boundary's centre as an approximate point), the city's scope;
- OECD DAC 5-digit sectors shared by the pledges' amounts, each pledge under its priority's
  code (`Priority.dac_sector`), else under its outputs' indicators' codes, else its pillar's;
  the pillar as the reporting organisation's own sector; SDG goals as tags;
- the budget cut into the calendar years of the program's dates (Indonesia's fiscal year;
  the Standard wants budget periods of at most a year), shared by days; verified spending as
  expenditure transactions;
- results: one per priority its pledges serve and one per output, each with a baseline (0 at
  the start), a period per calendar year holding what verified reports delivered in it, and
  the target on the last period.

Each activity is built as an ElementTree element and written at once (`write`), a few hundred
programs read at a time, so a whole country's feed (a hundred thousand activities) is written
in flat memory; the JSON is the same tree, element for element (`as_json`), so the two never
disagree. The schema files in `schema/` are the official ones; the tests validate every export
against them.
"""

import datetime
import json
from itertools import islice
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import Max, Min, Prefetch, Sum
from django.utils import timezone

from delivery.models import OutputLine, Report, ReportLine
from planning.models import DevelopmentPlan, Pillar, Unit
from programs.models import Pledge, Program, ProgramOutput, ProgramPartner, ProgramTransition
from regions.models import Region, ServedRegion

VERSION = "2.03"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CURRENCY = "IDR"

# IATI code lists: ActivityStatus, OrganisationType, OrganisationRole, ActivityDateType.
STATUS = {
    Program.Status.APPROVED: "1",  # pipeline/identification: committed, not yet started
    Program.Status.IN_PROGRESS: "2",  # implementation
    Program.Status.COMPLETED: "4",  # closed
}
GOVERNMENT, NGO, PRIVATE_SECTOR, OTHER = "10", "22", "70", "90"
PARTNER_TYPE = {
    ProgramPartner.Kind.COMPANY: PRIVATE_SECTOR,
    ProgramPartner.Kind.COMMUNITY: NGO,
    ProgramPartner.Kind.VILLAGE: GOVERNMENT,
    ProgramPartner.Kind.NGO: NGO,
    ProgramPartner.Kind.GOVERNMENT: GOVERNMENT,
    ProgramPartner.Kind.OTHER: OTHER,
}
FUNDING, IMPLEMENTING = "1", "4"
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
# The OECD DAC CRS purpose code (SectorVocabulary 1) closest to each pillar, for priorities
# and indicators whose own code is not set.
DAC_SECTOR = {
    Pillar.EDUCATION: "11120",  # education facilities and training
    Pillar.HEALTH: "12220",  # basic health care
    Pillar.ECONOMY: "32130",  # small and medium-sized enterprises (SME) development
    Pillar.ENVIRONMENT: "41010",  # environmental policy and administrative management
    Pillar.INFRASTRUCTURE: "16040",  # low-cost housing
    Pillar.SOCIAL: "16010",  # social protection
}
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"


def organisation_refs(codes) -> dict[str, str]:
    """The IATI organisation identifier of each regency or city of `codes` that has one: the
    one its administrators set, else IATI_ORGANISATION_REF for the default region."""
    codes = set(codes)
    found = dict(
        ServedRegion.objects.filter(region__code__in=codes)
        .exclude(iati_reference="")
        .values_list("region__code", "iati_reference")
    )
    if settings.IATI_ORGANISATION_REF and settings.CITY_CODE in codes:
        found.setdefault(settings.CITY_CODE, settings.IATI_ORGANISATION_REF)
    return found


def years(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The days from `start` to `end` cut at each year's end: periods of at most a year."""
    periods = []
    while start <= end:
        last = min(end, datetime.date(start.year, 12, 31))
        periods.append((start, last))
        start = last + datetime.timedelta(days=1)
    return periods


def shared(total: int, weights: list[int]) -> list[int]:
    """`total` shared in proportion to `weights`, in whole units adding up to `total` exactly
    (largest remainders first)."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    parts = [total * weight // whole for weight in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _sub(parent, tag: str, text=None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = str(text)
    return element


def _narrative(parent, tag: str, text: str, **attrs) -> ET.Element:
    element = _sub(parent, tag, **attrs)
    _sub(element, "narrative", text)
    return element


def _date(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return value.isoformat()


# Programs read, built and written at a time: memory stays flat whatever the feed's size.
CHUNK = 500


def _programs(ids: list[int]) -> list[Program]:
    """The programs `ids` with everything an activity shows (constant queries)."""
    return list(
        Program.objects.filter(pk__in=ids)
        .select_related("company")
        .prefetch_related(
            # The boundary's centre, not its outline (parsed for every village of every
            # program otherwise).
            Prefetch(
                "villages",
                queryset=Region.objects.select_related("boundary").defer("boundary__coordinates"),
            ),
            Prefetch("partners", queryset=ProgramPartner.objects.select_related("company")),
            Prefetch("pledges", queryset=Pledge.objects.select_related("priority").order_by("pk")),
            Prefetch(
                "outputs",
                queryset=ProgramOutput.objects.select_related("indicator", "village").order_by(
                    "pk"
                ),
            ),
        )
        .order_by("pk")
    )


def _figures(ids: list[int]):
    """Actual dates, verified spending per report, and what verified reports delivered per
    output and per pledge, with the day each report's period ends."""
    moves = {}
    for row in (
        ProgramTransition.objects.filter(
            program__in=ids,
            to_status__in=[Program.Status.IN_PROGRESS, Program.Status.COMPLETED],
        )
        .values("program", "to_status")
        .annotate(first=Min("at"), last=Max("at"))
        .order_by()
    ):
        moves[row["program"], row["to_status"]] = row
    spending = {}
    for row in (
        ReportLine.objects.filter(
            report__status=Report.Status.VERIFIED, report__program__in=ids, amount__gt=0
        )
        .values("report", "report__program", "report__period_end")
        .annotate(total=Sum("amount"))
        .order_by("report__period_end", "report")
    ):
        spending.setdefault(row["report__program"], []).append(row)
    achieved = {}
    for kind, lines, key in [
        ("output", OutputLine.objects.filter(output__program__in=ids), "output"),
        ("pledge", ReportLine.objects.filter(pledge__program__in=ids), "pledge"),
    ]:
        for row in (
            lines.filter(report__status=Report.Status.VERIFIED, quantity__gt=0)
            .values(key, "report__period_end")
            .annotate(total=Sum("quantity"))
            .order_by()
        ):
            achieved.setdefault((kind, row[key]), []).append(
                (row["report__period_end"], row["total"])
            )
    return moves, spending, achieved


def elements(plans: list[DevelopmentPlan]):
    """Every `<iati-activity>` of the committed programs of `plans`, one at a time."""
    reporters = organisation_refs(plan.city.code for plan in plans)
    for plan in plans:
        reporter = reporters.get(plan.city.code)
        if reporter is None:
            continue  # not published until the region registers its identifier
        committed = Program.objects.filter(plan=plan, status__in=list(STATUS)).order_by("pk")
        pks = committed.values_list("pk", flat=True).iterator()
        while ids := list(islice(pks, CHUNK)):
            moves, spending, achieved = _figures(ids)
            for program in _programs(ids):
                holder = ET.Element("iati-activities")
                _activity(holder, program, reporter, plan.city.name, moves, spending, achieved)
                yield holder[0]


def write(plans: list[DevelopmentPlan], file, fmt: str) -> int:
    """Write the `<iati-activities>` document of `plans` as "xml" or "json" into the binary
    `file`, activity by activity. Returns how many activities it holds."""
    generated = timezone.now().replace(microsecond=0).isoformat()
    count = 0
    if fmt == "json":
        head = {"version": VERSION, "generated-datetime": generated}
        file.write(f'{{"iati-activities": {json.dumps(head)[:-1]}, "iati-activity": ['.encode())
        for count, activity in enumerate(elements(plans), start=1):
            text = json.dumps(as_json(activity)["iati-activity"], ensure_ascii=False)
            file.write(f"{',' if count > 1 else ''}\n{text}".encode())
        file.write(b"\n]}}\n")
        return count
    file.write(b"<?xml version='1.0' encoding='utf-8'?>\n")
    file.write(f'<iati-activities version="{VERSION}" generated-datetime="{generated}">\n'.encode())
    for activity in elements(plans):
        count += 1
        ET.indent(activity, level=1)
        activity.tail = "\n"
        file.write(b"  " + ET.tostring(activity, encoding="utf-8", xml_declaration=False))
    file.write(b"</iati-activities>\n")
    return count


def _activity(root, program, reporter, city, moves, spending, achieved):
    activity = _sub(
        root,
        "iati-activity",
        last_updated_datetime=program.updated_at.replace(microsecond=0).isoformat(),
        default_currency=CURRENCY,
    )
    activity.set(LANG, "id")
    _sub(activity, "iati-identifier", f"{reporter}-{program.pk}")
    _narrative(activity, "reporting-org", city, ref=reporter, type=GOVERNMENT)
    _narrative(activity, "title", program.title)
    _narrative(
        activity, "description", program.summary or program.description or program.title, type="1"
    )
    _narrative(
        activity, "participating-org", program.company.name, role=FUNDING, type=PRIVATE_SECTOR
    )
    for partner in program.partners.all():
        name = partner.company.name if partner.company else partner.name
        if name:
            _narrative(
                activity,
                "participating-org",
                name,
                role=IMPLEMENTING,
                type=PARTNER_TYPE[partner.kind],
            )
    _sub(activity, "activity-status", code=STATUS[program.status])
    if program.start_date:
        _sub(activity, "activity-date", iso_date=_date(program.start_date), type=PLANNED_START)
    started = moves.get((program.pk, Program.Status.IN_PROGRESS))
    if started:
        _sub(activity, "activity-date", iso_date=_date(started["first"]), type=ACTUAL_START)
    if program.end_date:
        _sub(activity, "activity-date", iso_date=_date(program.end_date), type=PLANNED_END)
    ended = moves.get((program.pk, Program.Status.COMPLETED))
    if ended and program.status == Program.Status.COMPLETED:
        _sub(activity, "activity-date", iso_date=_date(ended["last"]), type=ACTUAL_END)
    if not (program.start_date or started):  # the schema wants at least one date
        _sub(activity, "activity-date", iso_date=_date(program.created_at), type=PLANNED_START)
    _sub(activity, "activity-scope", code="7")  # sub-national: a single second-level area
    _sub(activity, "recipient-country", code="ID", percentage="100")
    for village in program.villages.all():
        _location(activity, village)
    for code, percentage in _sectors(program):
        _sub(activity, "sector", vocabulary="1", code=code, percentage=percentage)
    if program.pillar:
        _narrative(
            activity,
            "sector",
            program.get_pillar_display(),
            vocabulary="99",
            code=program.pillar,
            percentage="100",
        )
    for goal in program.sdgs if isinstance(program.sdgs, list) else []:
        _sub(activity, "tag", vocabulary="2", code=goal)
    periods = []
    if program.start_date and program.end_date:
        periods = years(program.start_date, program.end_date)
    if program.budget and periods:
        days = [(end - start).days + 1 for start, end in periods]
        for (start, end), value in zip(periods, shared(program.budget, days), strict=True):
            budget = _sub(activity, "budget", type="1", status="2")
            _sub(budget, "period-start", iso_date=_date(start))
            _sub(budget, "period-end", iso_date=_date(end))
            _sub(budget, "value", value, value_date=_date(start))
    latest = timezone.localdate()
    if ended and program.status == Program.Status.COMPLETED:
        latest = min(latest, _day(ended["last"]))
    for row in spending.get(program.pk, []):
        day = _date(min(row["report__period_end"], latest))  # spent by then at the latest
        transaction = _sub(activity, "transaction", ref=f"{reporter}-{program.pk}-R{row['report']}")
        _sub(transaction, "transaction-type", code="4")  # expenditure
        _sub(transaction, "transaction-date", iso_date=day)
        _sub(transaction, "value", row["total"], value_date=day)
    first_year = (program.start_date or _day(program.created_at)).year
    by_priority = {}
    for pledge in program.pledges.all():
        by_priority.setdefault(pledge.priority, []).append(pledge)
    for priority, pledges in by_priority.items():
        _result(
            activity,
            title=priority.title,
            indicator=f"{priority.indicator}, {Unit.objects.label(priority.unit_id)}",
            target=sum(pledge.quantity for pledge in pledges),
            delivered=[row for p in pledges for row in achieved.get(("pledge", p.pk), [])],
            periods=periods,
            first_year=first_year,
            today=latest,
        )
    for output in program.outputs.all():
        where = f" ({output.village.name})" if output.village_id else ""
        _result(
            activity,
            title=output.indicator.name,
            indicator=f"{output.indicator.name}{where}, {output.indicator.unit}",
            target=output.target_quantity,
            delivered=achieved.get(("output", output.pk), []),
            periods=periods,
            first_year=first_year,
            today=latest,
        )


def _day(value) -> datetime.date:
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def _sectors(program) -> list[tuple[str, int]]:
    """(DAC code, percentage) of the program: its pledges' priorities' codes shared by their
    amounts; without pledges, its outputs' indicators' codes in equal shares (an indicator
    without one: the pillar's); else its pillar's. Whole percentages adding up to 100."""
    weights = {}
    for pledge in program.pledges.all():
        code = pledge.priority.dac_sector or DAC_SECTOR[pledge.priority.pillar]
        weights[code] = weights.get(code, 0) + pledge.amount
    if not weights:
        for output in program.outputs.all():
            code = output.indicator.dac_sector or DAC_SECTOR.get(program.pillar)
            if code:
                weights[code] = weights.get(code, 0) + 1
    if not weights and program.pillar:
        weights[DAC_SECTOR[program.pillar]] = 1
    codes = sorted(weights, key=lambda code: (-weights[code], code))
    shares = shared(100, [weights[code] for code in codes])
    return [(code, share) for code, share in zip(codes, shares, strict=True) if share]


def _location(activity, village):
    location = _sub(activity, "location", ref=village.code)
    _sub(location, "location-reach", code="1")  # where the activity happens
    _narrative(location, "name", village.name)
    _narrative(location, "description", f"{village.label}, kode Kepmendagri {village.code}")
    _sub(location, "administrative", vocabulary="A4", level="0", code="ID")
    boundary = getattr(village, "boundary", None)  # None when no boundary was imported
    if boundary is not None:
        point = _sub(location, "point", srsName=WGS84)
        _sub(point, "pos", f"{boundary.centroid_lat:.6f} {boundary.centroid_lng:.6f}")
        _sub(location, "exactness", code="2")  # approximate: the kelurahan's centre
    _sub(location, "location-class", code="1")  # administrative region
    _sub(location, "feature-designation", code="ADM4")


def _result(activity, *, title, indicator, target, delivered, periods, first_year, today):
    """An output result: its indicator with a baseline of 0 in the first year, a period per
    calendar year holding what the verified reports ending in it delivered (a year not begun
    holds no actual), the whole target on the last period. `delivered` is (day the report's
    period ends, quantity) pairs."""
    result = _sub(activity, "result", type="1", aggregation_status="1")  # output
    _narrative(result, "title", title)
    element = _sub(result, "indicator", measure="1", ascending="1")  # units, more is better
    _narrative(element, "title", indicator)
    _sub(element, "baseline", year=first_year, value=0)
    for number, (start, end) in enumerate(periods, start=1):
        first, last = number == 1, number == len(periods)
        period = _sub(element, "period")
        _sub(period, "period-start", iso_date=_date(start))
        _sub(period, "period-end", iso_date=_date(end))
        if last:
            _sub(period, "target", value=target)
        if start > today:
            continue
        actual = sum(
            quantity
            for day, quantity in delivered  # a report outside the dates counts for the nearest
            if (start <= day or first) and (day <= end or last)
        )
        _sub(period, "actual", value=actual)


def as_json(element: ET.Element) -> dict:
    """The same tree as JSON: attributes as keys, a narrative as its text, repeated children
    as lists (`{"iati-activities": {"version": ..., "iati-activity": [...]}}`)."""

    def convert(node):
        data = {key.replace(LANG, "xml:lang"): value for key, value in node.attrib.items()}
        children = list(node)
        if node.text and node.text.strip() and not children:
            if not data:
                return node.text
            data["text"] = node.text
        for child in children:
            data.setdefault(child.tag, []).append(convert(child))
        return data

    return {element.tag: convert(element)}
