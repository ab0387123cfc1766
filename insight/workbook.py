"""The synchronisation round's workbook, for the meeting: the plan's figures for the round's
year per priority, per company and per kelurahan, and the programs submitted into the round.

Committed figures are the dashboard's for that year (`figures.priorities`, `figures.grouped`,
the same queries), so each sheet's totals equal the dashboard's; what the round's programs
propose and still await a decision is added beside them, never into them.
"""

from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from companies.models import Company
from core.exports import CHUNK, Column, write_sheet, write_workbook
from planning.models import UNFUNDED_RUPIAH, Need
from programs.models import Invitation, Pledge, Program, Round
from regions.models import Region

from . import figures

# A round's programs that still wait for a decision: what the meeting discusses.
PROPOSED = [Program.Status.SUBMITTED, Program.Status.REVISION]


def _proposed(round: Round, field: str) -> dict:
    rows = (
        Pledge.objects.filter(program__round=round, program__status__in=PROPOSED)
        .values(field)
        .annotate(quantity=Sum("quantity"), rupiah=Sum("amount"))
        .order_by()
    )
    return {row[field]: row for row in rows}


def priority_sheet(round: Round) -> tuple[list[Column], list]:
    rows = figures.priorities(round.plan, round.year)
    proposed = _proposed(round, "priority")
    for row in rows:
        found = proposed.get(row.priority.pk, {})
        row.proposed, row.proposed_rupiah = found.get("quantity", 0), found.get("rupiah", 0)
    # Units differ from one priority to the next (houses, classrooms): only Rupiah are summed.
    columns = [
        Column(_("Code"), lambda r: r.priority.code),
        Column(_("Priority"), lambda r: r.priority.title),
        Column(_("Unit"), lambda r: r.priority.get_unit_display()),
        Column(_("Target %(year)s") % {"year": round.year}, lambda r: r.target, "number"),
        Column(_("Pledged (units)"), lambda r: r.pledged, "number"),
        Column(_("Delivered (units)"), lambda r: r.delivered, "number"),
        Column(_("Gap (units)"), lambda r: r.gap, "number"),
        Column(_("Pledged (Rp)"), lambda r: r.pledged_rupiah, "rupiah", True),
        Column(_("Spent (Rp)"), lambda r: r.spent_rupiah, "rupiah", True),
        Column(_("Unfunded needs (Rp)"), lambda r: r.unfunded_rupiah, "rupiah", True),
        Column(_("Proposed in the round (units)"), lambda r: r.proposed, "number"),
        Column(_("Proposed in the round (Rp)"), lambda r: r.proposed_rupiah, "rupiah", True),
    ]
    return columns, rows


def company_sheet(round: Round) -> tuple[list[Column], list]:
    """Every company invited to the round or with a committed pledge in its year."""
    committed = {
        row["program__company_id"]: row
        for row in figures.grouped(round.plan, round.year, "program__company_id")
    }
    invited = {
        invitation.company_id: invitation
        for invitation in Invitation.objects.filter(round=round).with_progress()
    }
    proposed = _proposed(round, "program__company")
    companies = Company.objects.filter(pk__in=committed.keys() | invited.keys()).order_by("name")
    rows = []
    for company in companies.iterator(chunk_size=CHUNK):
        invitation, found = invited.get(company.pk), committed.get(company.pk, {})
        rows.append(
            {
                "name": company.name,
                "sector": company.get_sector_display(),
                "stage": invitation.stage_label if invitation else _("Not invited"),
                "in_round": invitation.in_round if invitation else 0,
                "programs": found.get("programs", 0),
                "pledged_rupiah": found.get("pledged_rupiah", 0),
                "spent_rupiah": found.get("spent_rupiah", 0),
                "proposed_rupiah": proposed.get(company.pk, {}).get("rupiah", 0),
            }
        )
    columns = [
        Column(_("Company"), lambda r: r["name"]),
        Column(_("Sector"), lambda r: r["sector"]),
        Column(_("In the round"), lambda r: r["stage"]),
        Column(_("Programs in the round"), lambda r: r["in_round"], "number", True),
        Column(_("Programs counted"), lambda r: r["programs"], "number", True),
        Column(_("Pledged (Rp)"), lambda r: r["pledged_rupiah"], "rupiah", True),
        Column(_("Spent (Rp)"), lambda r: r["spent_rupiah"], "rupiah", True),
        Column(_("Proposed in the round (Rp)"), lambda r: r["proposed_rupiah"], "rupiah", True),
    ]
    return columns, rows


def village_sheet(round: Round) -> tuple[list[Column], list]:
    """Every kelurahan of the city, and a last line for pledges toward a priority with no
    need (and so no kelurahan), so that the totals are the plan's."""
    plan, year = round.plan, round.year
    committed = {
        row["need__village"]: row
        for row in figures.counted_pledges(plan, year)
        .values("need__village")
        .annotate(
            pledged_rupiah=Sum(figures.COMMITTED_AMOUNT),
            spent_rupiah=Sum("spent_amount"),
            programs=Count("program", distinct=True),
        )
        .order_by()
    }
    open_needs = {
        row["village"]: row
        for row in Need.objects.filter(priority__plan=plan, status=Need.Status.OPEN)
        .with_gap()
        .values("village")
        .annotate(needs=Count("pk"), unfunded_rupiah=Sum(UNFUNDED_RUPIAH))
        .order_by()
    }
    proposed = _proposed(round, "need__village")
    rows = []
    villages = Region.objects.villages().within(plan.city).select_related("parent")
    for village in [*villages.order_by("parent__name", "name"), None]:
        key = village.pk if village else None
        row = {
            "district": village.parent.name if village else "",
            "village": village.name if village else _("No kelurahan (pledge toward a priority)"),
            "code": village.code if village else "",
            **{"pledged_rupiah": 0, "spent_rupiah": 0, "programs": 0},
            **committed.get(key, {}),
            "needs": open_needs.get(key, {}).get("needs", 0),
            "unfunded_rupiah": open_needs.get(key, {}).get("unfunded_rupiah") or 0,
            "proposed_rupiah": proposed.get(key, {}).get("rupiah", 0),
        }
        if village or row["pledged_rupiah"] or row["proposed_rupiah"]:
            rows.append(row)
    columns = [
        Column(_("Kecamatan"), lambda r: r["district"]),
        Column(_("Kelurahan"), lambda r: r["village"]),
        Column(_("Code"), lambda r: r["code"]),
        Column(_("Programs counted"), lambda r: r["programs"], "number"),
        Column(_("Pledged (Rp)"), lambda r: r["pledged_rupiah"] or 0, "rupiah", True),
        Column(_("Spent (Rp)"), lambda r: r["spent_rupiah"] or 0, "rupiah", True),
        Column(_("Open needs"), lambda r: r["needs"], "number", True),
        Column(_("Unfunded needs (Rp)"), lambda r: r["unfunded_rupiah"], "rupiah", True),
        Column(_("Proposed in the round (Rp)"), lambda r: r["proposed_rupiah"], "rupiah", True),
    ]
    return columns, rows


def program_sheet(round: Round) -> tuple[list[Column], object]:
    programs = (
        round.programs.exclude(status=Program.Status.DRAFT)  # drafts stay with their company
        .select_related("company")
        .annotate(pledged=Sum("pledges__amount"))
        .order_by("company__name", "title")
    )
    columns = [
        Column(_("Company"), lambda p: p.company.name),
        Column(_("Program"), lambda p: p.title),
        Column(_("Status"), lambda p: p.get_status_display()),
        Column(_("Pillar"), lambda p: p.get_pillar_display()),
        Column(_("Start date"), lambda p: p.start_date, "date"),
        Column(_("End date"), lambda p: p.end_date, "date"),
        Column(_("Budget (Rp)"), lambda p: p.budget, "rupiah", True),
        Column(_("Pledged (Rp)"), lambda p: p.pledged or 0, "rupiah", True),
        Column(_("Submitted"), lambda p: p.submitted_at, "date"),
    ]
    return columns, programs.iterator(chunk_size=CHUNK)


def alignment_sheet(round: Round) -> tuple[list[Column], list]:
    """How much of the committed CSR of the round's year follows the plan, per sector (the
    dashboard's figures for that year: figures.alignment)."""
    _total, rows = figures.alignment(round.plan, round.year)
    columns = [
        Column(_("Sector"), lambda r: r.label),
        Column(_("Committed programs"), lambda r: r.programs, "number", True),
        Column(_("In the plan"), lambda r: r.programs_in_plan, "number", True),
        Column(_("Budgets (Rp)"), lambda r: r.budget, "rupiah", True),
        Column(_("Pledged to the plan (Rp)"), lambda r: r.in_plan_rupiah, "rupiah", True),
        Column(_("Share (%)"), lambda r: r.rupiah_percent, "number"),
    ]
    return columns, rows


SHEETS = [
    (gettext_lazy("Priorities"), priority_sheet),
    (gettext_lazy("Companies"), company_sheet),
    (gettext_lazy("Kelurahan"), village_sheet),
    (gettext_lazy("Programs in the round"), program_sheet),
    (gettext_lazy("CSR in the plan"), alignment_sheet),
]


def write(round: Round, file) -> None:
    """The round's workbook into `file` (insight.tasks prepares it in the background)."""

    def fill(workbook):
        for title, sheet in SHEETS:
            columns, rows = sheet(round)
            write_sheet(workbook, str(title), columns, rows, caption=round.title)

    write_workbook(file, fill)


def filename(round: Round) -> str:
    return f"sinkronisasi-{round.year}.xlsx"
