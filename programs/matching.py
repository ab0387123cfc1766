"""Rankings that help planners steer pledges to where the gaps are; scored in the database.

A need suits a program when it lies in one of the program's villages (+4), in one of the
company's ring villages (+4 ring 1, +2 ring 2, +1 ring 3) and under the program's pillar (+2);
ties go to the larger gap. A company suits a need by its ring around the need's village (same
scale), its committed programs under the need's pillar (+1 each, at most +3) and the money it
has committed, which breaks ties.
"""

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from companies.models import Company, CompanyVillage
from planning.models import Need

from .models import Program

RING_POINTS = Case(
    When(ring=1, then=Value(4)),
    When(ring=2, then=Value(2)),
    When(ring=3, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)
CANDIDATE_COMPANIES = 60


def needs_for_program(program: Program, limit: int = 12):
    """Open needs with a gap that this program could pledge toward, best first."""
    ring = CompanyVillage.objects.filter(company_id=program.company_id, village=OuterRef("village"))
    in_program = Program.villages.through.objects.filter(
        program_id=program.pk, region=OuterRef("village")
    )
    return (
        Need.objects.filter(priority__plan=program.plan_id, status=Need.Status.OPEN)
        .with_gap()
        .annotate(
            gap_value=F("quantity") - F("pledged_quantity"),
            same_village=Exists(in_program),
            ring=Subquery(ring.values("ring")[:1]),
            same_pillar=Case(
                When(priority__pillar=program.pillar or "-", then=Value(True)), default=Value(False)
            ),
        )
        .annotate(
            score=Case(When(same_village=True, then=Value(4)), default=Value(0))
            + RING_POINTS
            + Case(When(same_pillar=True, then=Value(2)), default=Value(0))
        )
        .select_related("priority", "village__parent")
        .order_by("-score", "-gap_value", "pk")[:limit]
    )


def companies_for_need(need: Need, limit: int = 12):
    """Companies that could take this need, best first.

    Candidates are bounded before scoring (companies ringing the need's kecamatan, and those
    with the most committed programs under its pillar), so the cost does not grow with the
    number of programs in the country.
    """
    committed = Program.objects.filter(status__in=Program.COMMITTED)
    pillar_programs = committed.filter(pillar=need.priority.pillar)
    top_in_pillar = (
        pillar_programs.values("company")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values("company")[:CANDIDATE_COMPANIES]
    )
    ring = CompanyVillage.objects.filter(company=OuterRef("pk"), village_id=need.village_id)
    count_in_pillar = (
        pillar_programs.filter(company=OuterRef("pk"))
        .values("company")
        .annotate(n=Count("pk"))
        .values("n")
    )
    committed_budget = (
        committed.filter(company=OuterRef("pk"))
        .values("company")
        .annotate(total=Sum("budget"))
        .values("total")
    )
    return (
        Company.objects.filter(
            Q(operating_villages__village__parent_id=need.village.parent_id)
            | Q(pk__in=Subquery(top_in_pillar))
        )
        .distinct()
        .annotate(
            ring=Subquery(ring.values("ring")[:1]),
            pillar_programs=Coalesce(Subquery(count_in_pillar), 0),
            committed_budget=Coalesce(Subquery(committed_budget), 0),
        )
        .annotate(score=RING_POINTS + Least(F("pillar_programs"), Value(3)))
        .order_by("-score", "-committed_budget", "name")[:limit]
    )
