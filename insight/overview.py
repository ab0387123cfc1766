"""Overviews above the regencies: each served regency's or city's figures side by side, for a
province or the whole country, with the same definitions as its own dashboard (insight.figures)
so that a row equals the sum of that region's dashboard. A constant number of queries, whatever
the number of regions, programs or pledges.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from delivery.models import Report
from planning.models import UNFUNDED_RUPIAH, DevelopmentPlan, Need, Priority
from programs.models import Pledge, Program
from regions.models import Region

from .figures import COUNTED, Alignment, aligned_by, pledge_sums

# The table's columns, which a visitor may sort by (?sort=, a leading "-" for largest first).
HEADERS = [
    ("name", _("Regency or city")),
    ("target", _("Target (units)")),
    ("pledged", _("Pledged (units)")),
    ("delivered", _("Delivered (units)")),
    ("gap", _("Gap (units)")),
    ("pledged_rupiah", _("Committed")),
    ("spent_rupiah", _("Spent")),
    ("unfunded_rupiah", _("Unfunded gap")),
    ("companies", _("Companies active")),
    ("reporting", _("Companies reporting")),
    ("in_plan_percent", _("CSR in the plan")),
]
SORTS = tuple(column for column, _label in HEADERS)

# What the totals row adds up (companies: a company active in two regions counts in each).
SUMMED = (
    *("target", "pledged", "delivered", "pledged_rupiah", "spent_rupiah", "unfunded_rupiah"),
    *("companies", "reporting", "budget", "in_plan_rupiah"),
)


@dataclass
class RegionFigures:
    region: Region
    plan: DevelopmentPlan | None = None
    target: int = 0
    pledged: int = 0
    delivered: int = 0
    pledged_rupiah: int = 0
    spent_rupiah: int = 0
    unfunded_rupiah: int = 0
    companies: int = 0  # with a committed program (or a cancelled one that delivered)
    reporting: int = 0  # of those, with a realization report verified
    # Committed programs' budgets, and what they pledge toward the plan (figures.alignment).
    budget: int = 0
    in_plan_rupiah: int = 0
    province: str = ""

    @property
    def name(self) -> str:
        return self.region.name

    @property
    def gap(self) -> int:
        return self.target - self.pledged

    @property
    def in_plan_percent(self) -> int | None:
        """The share of its committed CSR budgets pledged toward the plan's priorities."""
        return round(100 * self.in_plan_rupiah / self.budget) if self.budget else None


@dataclass
class Overview:
    rows: list[RegionFigures]
    totals: RegionFigures = field(init=False)

    def __post_init__(self):
        self.totals = RegionFigures(region=Region(name=""))
        for name in SUMMED:
            setattr(self.totals, name, sum(getattr(r, name) for r in self.rows))

    def sorted_by(self, key: str) -> list[RegionFigures]:
        column = key.removeprefix("-")
        if column not in SORTS:
            return self.rows
        return sorted(
            self.rows,
            key=lambda r: -1 if (value := getattr(r, column)) is None else value,
            reverse=key.startswith("-"),
        )


def regions_figures(regions: list[Region]) -> Overview:
    """Each of `regions` (regencies and cities) with its current plan's figures over all years:
    seven queries."""
    plans = DevelopmentPlan.objects.current_of(regions)
    rows = [RegionFigures(region=region, plan=plans.get(region.pk)) for region in regions]
    by_plan = {row.plan.pk: row for row in rows if row.plan is not None}
    if by_plan:
        for plan_id, target in (
            Priority.objects.filter(plan__in=list(by_plan))
            .values("plan_id")
            .annotate(target=Sum("target_quantity"))
            .order_by()
            .values_list("plan_id", "target")
        ):
            by_plan[plan_id].target = target or 0
        for row in (
            Pledge.objects.filter(priority__plan__in=list(by_plan), program__status__in=COUNTED)
            .values("priority__plan_id")
            .annotate(**pledge_sums())
            .order_by()
        ):
            figures = by_plan[row.pop("priority__plan_id")]
            for name, value in row.items():
                setattr(figures, name, value or 0)
        for plan_id, unfunded in (
            Need.objects.filter(priority__plan__in=list(by_plan), status=Need.Status.OPEN)
            .with_gap()
            .values("priority__plan_id")
            .annotate(unfunded=Sum(UNFUNDED_RUPIAH))
            .order_by()
            .values_list("priority__plan_id", "unfunded")
        ):
            by_plan[plan_id].unfunded_rupiah = unfunded or 0
        for plan_id, companies, reporting in (
            Program.objects.filter(plan__in=list(by_plan), status__in=COUNTED)
            .values("plan_id")
            .annotate(
                companies=Count("company", distinct=True),
                reporting=Count(
                    "company",
                    distinct=True,
                    # Public: only what the region's planners verified counts.
                    filter=Q(reports__status=Report.Status.VERIFIED),
                ),
            )
            .order_by()
            .values_list("plan_id", "companies", "reporting")
        ):
            by_plan[plan_id].companies, by_plan[plan_id].reporting = companies, reporting
        programs = Program.objects.filter(plan__in=list(by_plan))
        for plan_id, aligned in aligned_by(programs, "plan_id").items():
            by_plan[plan_id].budget = aligned.budget
            by_plan[plan_id].in_plan_rupiah = aligned.in_plan_rupiah
    return Overview(rows)


@dataclass
class CompanyRegion:
    """A company's CSR in one region: its committed programs and what they pledge and spent."""

    region: Region
    programs: int = 0
    pledged: int = 0
    delivered: int = 0
    pledged_rupiah: int = 0
    spent_rupiah: int = 0
    url: str = ""
    # How much of its committed CSR there follows the plan (figures.aligned_by).
    aligned: Alignment = field(default_factory=lambda: Alignment(key="", label=""))


def company_figures(company) -> tuple[list[CompanyRegion], CompanyRegion]:
    """Per regency or city, the company's committed programs (a cancelled one keeps what it
    delivered, as on the dashboards) and the share of them that follows the plan, and their
    sum: four queries."""
    rows = {}
    for row in (
        Pledge.objects.filter(program__company=company, program__status__in=COUNTED)
        .values("program__plan__city_id")
        .annotate(programs=Count("program", distinct=True), **pledge_sums())
        .order_by()
    ):
        city_id = row.pop("program__plan__city_id")
        rows[city_id] = {name: value or 0 for name, value in row.items()}
    # Programs outside the plan (no pledge) count in the share, and may be all it has there.
    aligned = aligned_by(Program.objects.filter(company=company), "plan__city")
    regions = Region.objects.in_bulk(list(rows.keys() | aligned.keys()))
    found = []
    for pk, region in regions.items():
        share = aligned.get(pk) or Alignment(key=pk, label="")
        row = CompanyRegion(region=region, **rows.get(pk, {}), aligned=share)
        row.programs += share.programs - share.programs_in_plan  # those outside the plan
        found.append(row)
    found.sort(key=lambda r: r.region.name)
    total = CompanyRegion(region=Region(name=""))
    for name in ("programs", "pledged", "delivered", "pledged_rupiah", "spent_rupiah"):
        setattr(total, name, sum(getattr(r, name) for r in found))
    for name in ("programs", "programs_in_plan", "budget", "in_plan_rupiah"):
        setattr(total.aligned, name, sum(getattr(r.aligned, name) for r in found))
    return found, total
