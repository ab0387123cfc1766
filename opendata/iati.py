"""The city's committed CSR programs as IATI activities, version 2.03 (iatistandard.org).

One activity per approved, running or completed program of the current plan, with what the
public pages show and nothing else (never a draft, an undecided program, a file or a person):

- identifier `<IATI_ORGANISATION_REF>-<program id>`; the reporting organisation is the city;
- participating organisations: the company (funding, private sector) and the partners
  (implementing; a partner company as private sector, a village government or agency as
  government, a community group or NGO as such);
- status (approved: pipeline, running: implementation, completed: closed), planned start and
  end, actual start and end from the status changes;
- Indonesia as recipient country, each kelurahan as a location (its Kepmendagri code as the
  location's reference, its boundary's centre as an approximate point), the city's scope;
- the pillar as an OECD DAC 5-digit sector and as the reporting organisation's own sector;
  SDG goals as tags;
- the budget (committed, for the program's dates), verified spending as expenditure
  transactions, and each output as a result whose target is the planned quantity and whose
  actual is what verified reports delivered.

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
from planning.models import DevelopmentPlan, Pillar
from programs.models import Program, ProgramOutput, ProgramPartner, ProgramTransition
from regions.models import Region

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
# The OECD DAC CRS purpose code (SectorVocabulary 1) closest to each pillar.
DAC_SECTOR = {
    Pillar.EDUCATION: "11120",  # education facilities and training
    Pillar.HEALTH: "12220",  # basic health care
    Pillar.ECONOMY: "32130",  # small and medium-sized enterprises (SME) development
    Pillar.ENVIRONMENT: "41010",  # environmental policy and administrative management
    Pillar.INFRASTRUCTURE: "16040",  # low-cost housing
    Pillar.SOCIAL: "16010",  # social protection
}
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"


def organisation_ref(code: str) -> str:
    """The reporting organisation of the regency or city `code`: the deployment's registered
    identifier for its default region (IATI_ORGANISATION_REF), else "ID-KEMENDAGRI-<code>"."""
    if settings.IATI_ORGANISATION_REF and code == settings.CITY_CODE:
        return settings.IATI_ORGANISATION_REF
    return f"ID-KEMENDAGRI-{code}"


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
    """Actual dates, verified spending per report and verified delivery per output."""
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
    achieved = dict(
        OutputLine.objects.filter(report__status=Report.Status.VERIFIED, output__program__in=ids)
        .values("output")
        .annotate(total=Sum("quantity"))
        .order_by()
        .values_list("output", "total")
    )
    return moves, spending, achieved


def elements(plans: list[DevelopmentPlan]):
    """Every `<iati-activity>` of the committed programs of `plans`, one at a time."""
    for plan in plans:
        reporter = organisation_ref(plan.city.code)
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
    if program.pillar:
        _sub(activity, "sector", vocabulary="1", code=DAC_SECTOR[program.pillar], percentage="100")
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
    if program.start_date and program.end_date and program.budget:
        budget = _sub(activity, "budget", type="1", status="2")
        _sub(budget, "period-start", iso_date=_date(program.start_date))
        _sub(budget, "period-end", iso_date=_date(program.end_date))
        _sub(budget, "value", program.budget, value_date=_date(program.start_date))
    for row in spending.get(program.pk, []):
        transaction = _sub(activity, "transaction", ref=f"{reporter}-{program.pk}-R{row['report']}")
        _sub(transaction, "transaction-type", code="4")  # expenditure
        _sub(transaction, "transaction-date", iso_date=_date(row["report__period_end"]))
        _sub(transaction, "value", row["total"], value_date=_date(row["report__period_end"]))
    for output in program.outputs.all():
        _result(activity, program, output, achieved.get(output.pk, 0))


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


def _result(activity, program, output, actual: int):
    result = _sub(activity, "result", type="1", aggregation_status="1")  # output
    _narrative(result, "title", output.indicator.name)
    indicator = _sub(result, "indicator", measure="1")  # units
    title = output.indicator.name
    if output.village_id:
        title = f"{title} ({output.village.name})"
    _narrative(indicator, "title", f"{title}, {output.indicator.unit}")
    if program.start_date and program.end_date:
        period = _sub(indicator, "period")
        _sub(period, "period-start", iso_date=_date(program.start_date))
        _sub(period, "period-end", iso_date=_date(program.end_date))
        _sub(period, "target", value=output.target_quantity)
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
