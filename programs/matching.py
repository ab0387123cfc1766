"""Rankings that help planners steer pledges to where the gaps are; scored in the database.

A need suits a program when it lies in one of the program's villages (+4), in one of the
company's ring villages (+4 ring 1, +2 ring 2, +1 ring 3) and under the program's pillar (+2);
ties go to the larger gap. A company suits a need by its ring in the need's kelurahan (same
scale), its committed programs under the need's pillar (+1 each, at most +3) and the money it
has committed, which breaks ties.
"""

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from companies.models import Company, CompanyVillage
from planning.models import Need

from .models import Pledge, Program

CANDIDATE_COMPANIES = 60


def _ring(rings: dict[int, int], field: str):
    """The ring (1-3) of each row whose `field` (a village or company id) is in `rings`."""
    whens = [
        When(**{f"{field}__in": [k for k, r in rings.items() if r == ring]}, then=Value(ring))
        for ring in sorted(set(rings.values()))
    ]
    return Case(*whens, default=Value(None), output_field=IntegerField())


RING_POINTS = Case(
    When(ring=1, then=Value(4)),
    When(ring=2, then=Value(2)),
    When(ring=3, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


def needs_for_program(program: Program, limit: int = 12) -> list[Need]:
    """Open needs with a gap that this program could pledge toward (and does not yet),
    best first.

    The program's villages, the company's rings and the plan's priorities are a handful of
    rows: they are read first, so the ranking is one pass over the need table alone with plain
    comparisons; only the winners are then read with their priority and kelurahan.
    """
    villages = list(program.villages.values_list("pk", flat=True))
    rings = dict(
        CompanyVillage.objects.filter(company_id=program.company_id).values_list("village", "ring")
    )
    priorities = dict(program.plan.priorities.values_list("pk", "pillar"))
    same_pillar = [pk for pk, pillar in priorities.items() if pillar == program.pillar]
    pledged = Pledge.objects.filter(program=program, need__isnull=False).values("need")
    ranked = (
        Need.objects.filter(priority__in=list(priorities), status=Need.Status.OPEN)
        .with_gap()
        .exclude(pk__in=pledged)
        .annotate(
            gap_value=F("quantity") - F("pledged_quantity"),
            same_village=Case(When(village__in=villages, then=Value(True)), default=Value(False)),
            ring=_ring(rings, "village"),
            same_pillar=Case(
                When(priority__in=same_pillar, then=Value(True)), default=Value(False)
            ),
        )
        .annotate(
            score=Case(When(same_village=True, then=Value(4)), default=Value(0))
            + RING_POINTS
            + Case(When(same_pillar=True, then=Value(2)), default=Value(0))
        )
        .order_by("-score", "-gap_value", "pk")
        .values("pk", "gap_value", "same_village", "ring", "same_pillar", "score")[:limit]
    )
    ranked = list(ranked)
    needs = Need.objects.select_related("priority", "village__parent").in_bulk(
        [row["pk"] for row in ranked]
    )
    for row in ranked:
        for name, value in row.items():
            setattr(needs[row["pk"]], name, value)
    return [needs[row["pk"]] for row in ranked]


def companies_for_need(need: Need, limit: int = 12):
    """Companies that could take this need, best first.

    Candidates are bounded before scoring (the companies ringing the need's kelurahan, closest
    ring first, and those with the most committed programs under its pillar), so the cost does
    not grow with the number of companies and programs in the country.
    """
    committed = Program.objects.filter(status__in=Program.COMMITTED)
    pillar_programs = committed.filter(pillar=need.priority.pillar)
    rings = dict(
        CompanyVillage.objects.filter(village_id=need.village_id)
        .order_by("ring", "company")
        .values_list("company", "ring")[:CANDIDATE_COMPANIES]
    )
    top_in_pillar = list(
        pillar_programs.values("company")
        .annotate(n=Count("pk"))
        .order_by("-n", "company")
        .values_list("company", flat=True)[:CANDIDATE_COMPANIES]
    )
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
        Company.objects.filter(pk__in=set(rings) | set(top_in_pillar))
        .annotate(
            ring=_ring(rings, "pk"),
            pillar_programs=Coalesce(Subquery(count_in_pillar), 0),
            committed_budget=Coalesce(Subquery(committed_budget), 0),
        )
        .annotate(score=RING_POINTS + Least(F("pillar_programs"), Value(3)))
        .order_by("-score", "-committed_budget", "name")[:limit]
    )
