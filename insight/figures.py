"""The figures decision-makers look at, from database aggregates only (a constant number of
queries, whatever the number of programs).

Committed means approved, running or completed; a cancelled program still counts what it
delivered (programs.ledger.HELD says what a pledge holds). Over all years these are the figures of the
priority pages, which read the needs' counters: the ledger keeps the two equal.
"""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce

from companies.models import Company, Sector
from core.pagination import count_at_most
from delivery.models import OutputLine, Report
from planning.models import (
    UNFUNDED_RUPIAH,
    DevelopmentPlan,
    Need,
    Pillar,
    Priority,
    PriorityYearTarget,
)
from programs import matching
from programs.models import Amendment, Pledge, Program, ProgramOutput
from regions.models import Region

COUNTED = [*Program.COMMITTED, Program.Status.CANCELLED]
COMMITTED_QUANTITY = Case(
    When(program__status__in=Program.COMMITTED, then=F("quantity")),
    default=F("delivered_quantity"),  # a cancelled program keeps what it delivered
    output_field=IntegerField(),
)
COMMITTED_AMOUNT = Case(
    When(program__status__in=Program.COMMITTED, then=F("amount")),
    default=F("spent_amount"),
)


def pledge_sums() -> dict:
    """What a group of counted pledges adds up to (a dashboard's priority, a region, a company
    in a region): pledged and delivered units, committed and spent Rupiah."""
    return {
        "pledged": Sum(COMMITTED_QUANTITY),
        "delivered": Sum("delivered_quantity"),
        "pledged_rupiah": Sum(COMMITTED_AMOUNT),
        "spent_rupiah": Sum("spent_amount"),
    }


def counted_pledges(plan: DevelopmentPlan, year: int | None = None):
    pledges = Pledge.objects.filter(priority__plan=plan, program__status__in=COUNTED)
    if year:
        pledges = pledges.filter(program__start_date__year=year)
    return pledges


@dataclass
class PriorityFigures:
    priority: Priority
    target: int
    pledged: int = 0
    delivered: int = 0
    pledged_rupiah: int = 0
    spent_rupiah: int = 0
    unfunded_rupiah: int = 0

    @property
    def gap(self) -> int:
        return self.target - self.pledged


def priorities(plan: DevelopmentPlan, year: int | None = None) -> list[PriorityFigures]:
    """Per priority: target (the year's, when a year is chosen), pledged, delivered and gap in
    units; pledged, spent and unfunded in Rupiah. Three queries (four with a year)."""
    rows = {
        p.pk: PriorityFigures(priority=p, target=0 if year else p.target_quantity)
        for p in plan.priorities.order_by("code")
    }
    if year:
        for priority_id, quantity in PriorityYearTarget.objects.filter(
            priority__plan=plan, year=year
        ).values_list("priority_id", "quantity"):
            rows[priority_id].target = quantity
    for row in (
        counted_pledges(plan, year).values("priority_id").annotate(**pledge_sums()).order_by()
    ):
        figures = rows[row.pop("priority_id")]
        for name, value in row.items():
            setattr(figures, name, value or 0)
    for priority_id, unfunded in (
        Need.objects.filter(priority__plan=plan, status=Need.Status.OPEN)
        .with_gap()
        .values("priority_id")
        .annotate(unfunded=Sum(UNFUNDED_RUPIAH))
        .order_by()
        .values_list("priority_id", "unfunded")
    ):
        rows[priority_id].unfunded_rupiah = unfunded or 0
    return list(rows.values())


@dataclass
class GroupFigures:
    key: str
    label: str
    pledged_rupiah: int
    spent_rupiah: int
    programs: int
    url: str = ""

    @property
    def percent(self) -> int:
        if not self.pledged_rupiah:
            return 0
        return min(100, round(100 * self.spent_rupiah / self.pledged_rupiah))


def grouped(plan, year, field: str):
    """Committed Rupiah, spent Rupiah and programs per value of `field`, largest first."""
    return (
        counted_pledges(plan, year)
        .values(field)
        .annotate(
            pledged_rupiah=Coalesce(Sum(COMMITTED_AMOUNT), 0),
            spent_rupiah=Coalesce(Sum("spent_amount"), 0),
            programs=Count("program", distinct=True),
        )
        .order_by("-pledged_rupiah", field)
    )


def by_pillar(plan, year=None) -> list[GroupFigures]:
    labels = dict(Pillar.choices)
    return [
        GroupFigures(
            key=row["priority__pillar"],
            label=str(labels.get(row["priority__pillar"], row["priority__pillar"])),
            pledged_rupiah=row["pledged_rupiah"],
            spent_rupiah=row["spent_rupiah"],
            programs=row["programs"],
        )
        for row in grouped(plan, year, "priority__pillar")
    ]


def by_sector(plan, year=None) -> list[GroupFigures]:
    return [
        GroupFigures(
            key=row["program__company__sector"],
            label=Sector.objects.label(row["program__company__sector"]),
            pledged_rupiah=row["pledged_rupiah"],
            spent_rupiah=row["spent_rupiah"],
            programs=row["programs"],
        )
        for row in grouped(plan, year, "program__company__sector")
    ]


def by_company(plan, year=None, limit: int = 15) -> tuple[list[GroupFigures], int]:
    """The `limit` companies that pledged most, and how many companies pledged at all."""
    rows = grouped(plan, year, "program__company_id")
    total = rows.count()
    top = list(rows[:limit])
    companies = Company.objects.in_bulk([row["program__company_id"] for row in top])
    return [
        GroupFigures(
            key=str(row["program__company_id"]),
            label=companies[row["program__company_id"]].name,
            pledged_rupiah=row["pledged_rupiah"],
            spent_rupiah=row["spent_rupiah"],
            programs=row["programs"],
            url=companies[row["program__company_id"]].get_absolute_url(),
        )
        for row in top
    ], total


@dataclass
class Alignment:
    """Committed CSR and the part of it that follows the plan: the programs pledging toward a
    priority, and the Rupiah pledged, of all committed programs and their budgets (a program
    with no pledge reports CSR outside the plan by its outputs)."""

    key: str
    label: str
    programs: int = 0
    programs_in_plan: int = 0
    budget: int = 0
    in_plan_rupiah: int = 0

    @property
    def programs_percent(self) -> int | None:
        return round(100 * self.programs_in_plan / self.programs) if self.programs else None

    @property
    def rupiah_percent(self) -> int | None:
        return round(100 * self.in_plan_rupiah / self.budget) if self.budget else None


def aligned_by(programs, field: str) -> dict:
    """The alignment of the committed ones of `programs` per value of `field` (a sector, a
    plan): {value: Alignment without a label}. Two queries; the dashboard, the workbook and
    the overviews all count it here."""
    programs = programs.filter(status__in=Program.COMMITTED)
    pledging = Exists(Pledge.objects.filter(program=OuterRef("pk")))
    found: dict = {}
    for row in (
        programs.values(field)
        .annotate(
            n=Count("pk"),
            in_plan=Count("pk", filter=Q(pledging)),
            budget_total=Coalesce(Sum("budget"), 0),
        )
        .order_by()
    ):
        key = row[field]
        found[key] = Alignment(
            key=key,
            label="",
            programs=row["n"],
            programs_in_plan=row["in_plan"],
            budget=row["budget_total"],
        )
    for key, pledged in (
        Pledge.objects.filter(program__in=programs)
        .values(f"program__{field}")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list(f"program__{field}", "total")
    ):
        found[key].in_plan_rupiah = pledged or 0
    return found


def alignment(plan, year=None) -> tuple[Alignment, list[Alignment]]:
    """How much of the committed CSR follows the plan: in all, and per sector (largest
    budgets first). Two queries."""
    programs = Program.objects.filter(plan=plan)
    if year:
        programs = programs.filter(start_date__year=year)
    sectors = list(aligned_by(programs, "company__sector").values())
    total = Alignment(key="", label="")
    for row in sectors:
        row.label = Sector.objects.label(row.key)
        for name in ("programs", "programs_in_plan", "budget", "in_plan_rupiah"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total, sorted(sectors, key=lambda row: (-row.budget, row.label))


@dataclass
class Steering:
    """The planners' proposals to steer pledges (programs.amendments.amendment_steer): how many
    the companies accepted, declined or have still to decide, and what the accepted ones moved
    to kelurahan CSR had left behind."""

    accepted: int = 0
    declined: int = 0
    waiting: int = 0
    left_behind_units: int = 0
    left_behind_rupiah: int = 0


def steering(plan, year=None) -> Steering:
    """One query over the plan's proposals (a year: of the programs starting in it)."""
    proposals = Amendment.objects.filter(
        program__plan=plan, origin=Amendment.Origin.PLANNERS
    ).exclude(status=Amendment.Status.WITHDRAWN)
    if year:
        proposals = proposals.filter(program__start_date__year=year)
    accepted = Q(status=Amendment.Status.APPROVED)
    found = proposals.aggregate(
        accepted=Count("pk", filter=accepted),
        declined=Count("pk", filter=Q(status=Amendment.Status.RETURNED)),
        waiting=Count("pk", filter=Q(status=Amendment.Status.PROPOSED)),
        left_behind_units=Coalesce(Sum("left_behind_units", filter=accepted), 0),
        left_behind_rupiah=Coalesce(Sum("left_behind_rupiah", filter=accepted), 0),
    )
    return Steering(**found)


def largest_unfunded_needs(plan, limit: int = 10):
    return list(
        Need.objects.filter(priority__plan=plan, status=Need.Status.OPEN)
        .with_gap()
        .for_list()
        .annotate(unfunded_rupiah=UNFUNDED_RUPIAH)
        .order_by("-unfunded_rupiah", "-gap_value", "pk")[:limit]
    )


def forgotten_villages(plan, limit: int = 10) -> list[dict]:
    """Kelurahan with the largest unfunded need and no CSR at all: no committed program works
    there and no committed pledge reaches any of its needs.

    The kelurahan with open gaps are few (those of one city): they are read first with their
    gaps, then which of them some committed program reaches (two indexed lookups), so no query
    scans the country's programs. Two queries."""
    candidates = list(
        Need.objects.filter(priority__plan=plan, status=Need.Status.OPEN)
        .with_gap()
        .values("village_id", "village__code", "village__name", "village__parent__name")
        .annotate(
            unfunded_rupiah=Sum(UNFUNDED_RUPIAH),
            gap=Sum(F("quantity") - F("pledged_quantity")),
            needs=Count("pk"),
        )
        .order_by("-unfunded_rupiah", "village__code")
    )
    covered = matching.villages_with_csr(plan, [row["village_id"] for row in candidates])
    return [row for row in candidates if row["village_id"] not in covered][:limit]


def awaiting_decision(limit: int = 5):
    submitted = Program.objects.in_region().filter(status=Program.Status.SUBMITTED)
    return (
        count_at_most(submitted),
        list(submitted.select_related("company").order_by("submitted_at", "pk")[:limit]),
    )


# ---- per kelurahan, for the map and the public pages ----

METRICS = ("gap", "csr", "companies")  # what the map can be coloured by


def village_values(plan, metric: str, priority: Priority | None = None) -> dict[int, int]:
    """{village id: value} for the map: the unfunded gap (units of `priority`, or Rupiah over
    every priority), the committed CSR Rupiah pledged there, or the number of companies with a
    committed program there. One query."""
    if metric == "companies":
        rows = (
            Program.objects.filter(plan=plan, status__in=Program.COMMITTED)
            .values("villages")
            .annotate(value=Count("company", distinct=True))
            .order_by()
            .values_list("villages", "value")
        )
    elif metric == "csr":
        rows = (
            counted_pledges(plan)
            .values("need__village")
            .annotate(value=Sum(COMMITTED_AMOUNT))
            .order_by()
            .values_list("need__village", "value")
        )
    else:
        needs = Need.objects.filter(priority__plan=plan, status=Need.Status.OPEN).with_gap()
        value = Sum(UNFUNDED_RUPIAH)
        if priority is not None:
            needs, value = (
                needs.filter(priority=priority),
                Sum(F("quantity") - F("pledged_quantity")),
            )
        rows = (
            needs.values("village").annotate(value=value).order_by().values_list("village", "value")
        )
    return {village: value or 0 for village, value in rows if village is not None}


def output_sites(plan) -> list[ProgramOutput]:
    """Outputs of committed programs with coordinates, for the map's points (linked to their
    kelurahan's page), each with what verified reports say it achieved (`achieved`). One
    query."""
    verified = (
        OutputLine.objects.filter(output=OuterRef("pk"), report__status=Report.Status.VERIFIED)
        .values("output")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return list(
        ProgramOutput.objects.filter(
            program__plan=plan,
            program__status__in=Program.COMMITTED,
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .select_related("program", "indicator", "village")
        .annotate(achieved=Coalesce(Subquery(verified, output_field=IntegerField()), 0))
    )


def public_programs(queryset) -> list[Program]:
    """Committed programs with what the public pages show of them: pledges with their
    verified delivery, outputs with their verified achievement (constant queries)."""
    programs = list(
        queryset.select_related("company").prefetch_related(
            Prefetch(
                "pledges",
                queryset=Pledge.objects.select_related("priority", "need__village").order_by("pk"),
            ),
            Prefetch(
                "outputs",
                queryset=ProgramOutput.objects.select_related("indicator", "village").order_by(
                    "pk"
                ),
            ),
            Prefetch("villages", queryset=Region.objects.order_by("name")),
        )
    )
    achieved = dict(
        OutputLine.objects.filter(
            report__status=Report.Status.VERIFIED, output__program__in=[p.pk for p in programs]
        )
        .values("output")
        .annotate(total=Sum("quantity"))
        .order_by()
        .values_list("output", "total")
    )
    for program in programs:
        for output in program.outputs.all():
            output.achieved = achieved.get(output.pk, 0)
    return programs
