"""Rankings that help planners steer pledges to where the gaps are; scored in the database.

A need suits a program when it lies in one of the program's villages (+4), in one of the
company's ring villages (+4 ring 1, +2 ring 2, +1 ring 3) and under the program's pillar (+2);
ties go to the larger gap. A company suits a need by its ring in the need's kelurahan (same
scale), its committed programs under the need's pillar (+1 each, at most +3) and the money it
has committed, which breaks ties.

Leave no village behind: rings alone would put ring-1 villages first forever, and a kelurahan
with a large gap and no company nearby would never be suggested to anyone. So a need also earns
+3 when its kelurahan has no CSR at all (no committed program works there and no committed
pledge reaches any of its needs), or +2 when CSR has reached the kelurahan but pledges cover
less than a quarter of the units its needs under the need's priority ask for. A left-behind
need under the program's pillar (5 or 4 points) therefore comes before or beside a second-ring
one (4), after a first-ring one (6).
"""

from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
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
from core import versions
from planning.models import UNFUNDED_RUPIAH, DevelopmentPlan, Need, TargetUnit
from regions.models import Region

from .models import Commitment, Pledge, Program, UnitClaim

CANDIDATE_COMPANIES = 60

NO_CSR, LITTLE_CSR = "none", "little"  # the templates show a reason for each
LEFT_BEHIND_POINTS = {NO_CSR: 3, LITTLE_CSR: 2}
LITTLE_CSR_SHARE = 0.25  # pledged: less than this share of a priority's units in the kelurahan
# A need whose identified households include some of the poorest fifth (deciles 1-2) not yet
# taken by a pledge (planning.models.target).
POOREST_POINTS, POOREST_DECILE = 2, 2


def villages_with_csr(plan: DevelopmentPlan, villages) -> set[int]:
    """Those of `villages` (ids) where some committed program of the plan works or that a
    committed pledge reaches. One query: per kelurahan two EXISTS probes on indexed foreign
    keys, each stopping at its first match, so the cost does not grow with the number of
    programs (a busy kelurahan can hold thousands)."""
    committed = {"program__plan": plan, "program__status__in": Program.COMMITTED}
    worked = Program.villages.through.objects.filter(region=OuterRef("pk"), **committed)
    reached = Pledge.objects.filter(
        need__village=OuterRef("pk"), program__status__in=Program.COMMITTED
    )
    return set(
        Region.objects.filter(pk__in=list(villages))
        .filter(Q(Exists(worked)) | Q(Exists(reached)))
        .values_list("pk", flat=True)
    )


def left_behind(plan: DevelopmentPlan) -> dict[tuple[int, int], dict]:
    """Where CSR has left the plan's open needs behind, per kelurahan and priority:
    {(village id, priority id): {"reason", "priority_code", "unfunded_rupiah", "needs"}}.

    The reason is NO_CSR when nothing committed reaches the kelurahan at all, else LITTLE_CSR
    when less than a quarter of the priority's units there are pledged (a kelurahan whose
    classrooms are funded can still have every house left waiting). The kelurahan with open
    gaps are few (those of one city): they are read first, then which of them some committed
    program reaches. Two queries."""
    rows = (
        Need.objects.filter(priority__plan=plan, status=Need.Status.OPEN)
        .values("village_id", "priority_id", "priority__code")
        .annotate(
            units=Sum("quantity"),
            pledged_units=Sum("pledged_quantity"),
            unfunded_rupiah=Sum(UNFUNDED_RUPIAH),
            needs=Count("pk", filter=Q(pledged_quantity__lt=F("quantity"))),
        )
        .filter(needs__gt=0)
        .order_by()
    )
    rows = list(rows)
    reached = villages_with_csr(plan, list({row["village_id"] for row in rows}))
    left = {}
    for row in rows:
        if row["village_id"] not in reached:
            reason = NO_CSR
        elif row["pledged_units"] < LITTLE_CSR_SHARE * row["units"]:
            reason = LITTLE_CSR
        else:
            continue
        left[row["village_id"], row["priority_id"]] = {
            "reason": reason,
            "priority_code": row["priority__code"],
            "unfunded_rupiah": row["unfunded_rupiah"],
            "needs": row["needs"],
        }
    return left


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


SUGGESTIONS_CACHE_SECONDS = 600


def suggested_needs(program: Program) -> list[Need]:
    """`needs_for_program`, kept per program version (its `updated_at`: edits, transitions)
    and the versions of the needs and of where CSR reaches (docs/caching.md)."""
    reach = versions.current("needs", "reach")
    key = f"suggested:{program.pk}:{program.updated_at.timestamp()}:{reach}"
    return cache.get_or_set(key, lambda: needs_for_program(program), SUGGESTIONS_CACHE_SECONDS)


def suggested_companies(need: Need) -> list[Company]:
    """`companies_for_need`, kept per need version and the versions of the needs and of
    where CSR reaches (rings and each company's commitments; docs/caching.md)."""
    reach = versions.current("needs", "reach")
    key = f"companies:{need.pk}:{need.updated_at.timestamp()}:{reach}"
    return cache.get_or_set(key, lambda: list(companies_for_need(need)), SUGGESTIONS_CACHE_SECONDS)


def needs_for_program(program: Program, limit: int = 12) -> list[Need]:
    """Open needs with a gap that this program could pledge toward (and does not yet),
    best first.

    The program's villages, the company's rings, the plan's priorities and its left-behind
    kelurahan are a handful of rows: they are read first, so the ranking is one pass over the need table alone with plain
    comparisons; only the winners are then read with their priority and kelurahan.
    """
    villages = list(program.villages.values_list("pk", flat=True))
    rings = dict(
        CompanyVillage.objects.filter(company_id=program.company_id).values_list("village", "ring")
    )
    priorities = dict(program.plan.priorities.values_list("pk", "pillar"))
    same_pillar = [pk for pk, pillar in priorities.items() if pillar == program.pillar]
    pledged = Pledge.objects.filter(program=program, need__isnull=False).values("need")
    left = left_behind(program.plan)
    no_csr = {village for (village, _), row in left.items() if row["reason"] == NO_CSR}
    little = {}  # {priority id: [village ids]}
    for (village, priority), row in left.items():
        if row["reason"] == LITTLE_CSR:
            little.setdefault(priority, []).append(village)
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
            poorest=Exists(poorest_households(OuterRef("pk"))),
            left_behind=Case(
                *([When(village__in=no_csr, then=Value(NO_CSR))] if no_csr else []),
                *[
                    When(priority=priority, village__in=villages, then=Value(LITTLE_CSR))
                    for priority, villages in little.items()
                ],
                default=Value(""),
                output_field=CharField(),
            ),
        )
        .annotate(
            score=Case(When(same_village=True, then=Value(4)), default=Value(0))
            + RING_POINTS
            + Case(When(same_pillar=True, then=Value(2)), default=Value(0))
            + Case(
                *[When(left_behind=r, then=Value(p)) for r, p in LEFT_BEHIND_POINTS.items()],
                default=Value(0),
            )
            + Case(When(poorest=True, then=Value(POOREST_POINTS)), default=Value(0))
        )
        .order_by("-score", "-gap_value", "pk")
        .values(
            "pk",
            "gap_value",
            "same_village",
            "ring",
            "same_pillar",
            "left_behind",
            "poorest",
            "score",
        )[:limit]
    )
    ranked = list(ranked)
    needs = Need.objects.select_related("priority", "village__parent").in_bulk(
        [row["pk"] for row in ranked]
    )
    for row in ranked:
        for name, value in row.items():
            setattr(needs[row["pk"]], name, value)
    return [needs[row["pk"]] for row in ranked]


def poorest_households(need):
    """The households of deciles 1-2 of `need` (an id or an OuterRef) that no approved pledge
    has taken (erased ones are left out: nobody can find them)."""
    taken = UnitClaim.objects.filter(unit=OuterRef("pk"), committed=True)
    return TargetUnit.objects.filter(need=need, decile__lte=POOREST_DECILE, erased_at=None).exclude(
        Exists(taken)
    )


def companies_for_need(need: Need, limit: int = 12):
    """Companies that could take this need, best first.

    Candidates are bounded before scoring (the companies ringing the need's kelurahan, closest
    ring first, and those with the most committed programs under its pillar), and their
    committed programs are read from `Commitment`, a few rows per company, so the cost does not
    grow with the number of companies and programs in the country.
    """
    pillar = need.priority.pillar
    rings = dict(
        CompanyVillage.objects.filter(village_id=need.village_id)
        .order_by("ring", "company")
        .values_list("company", "ring")[:CANDIDATE_COMPANIES]
    )
    top_in_pillar = list(
        Commitment.objects.filter(pillar=pillar)
        .order_by("-programs", "company")
        .values_list("company", flat=True)[:CANDIDATE_COMPANIES]
    )
    commitments = Commitment.objects.filter(company=OuterRef("pk"))
    committed_budget = commitments.values("company").annotate(total=Sum("budget")).values("total")
    return (
        Company.objects.filter(pk__in=set(rings) | set(top_in_pillar))
        .annotate(
            ring=_ring(rings, "pk"),
            pillar_programs=Coalesce(
                Subquery(commitments.filter(pillar=pillar).values("programs")), 0
            ),
            committed_budget=Coalesce(Subquery(committed_budget), 0),
        )
        .annotate(score=RING_POINTS + Least(F("pillar_programs"), Value(3)))
        .order_by("-score", "-committed_budget", "name")[:limit]
    )


def villages_needing(company: Company, plan: DevelopmentPlan, limit: int = 8) -> list[dict]:
    """For a company's page, "kelurahan that need you": the kelurahan CSR has left behind,
    those of the company's own rings first (closest ring first), then those with no CSR at
    all, then the largest unfunded Rupiah. Each row: village (with its kecamatan), ring (or
    None), reason, priorities (the codes left behind), unfunded_rupiah, needs. Four queries."""
    villages = {}
    for (village, _), row in sorted(left_behind(plan).items()):
        entry = villages.setdefault(
            village, {"reason": row["reason"], "priorities": [], "unfunded_rupiah": 0, "needs": 0}
        )
        entry["priorities"].append(row["priority_code"])
        entry["unfunded_rupiah"] += row["unfunded_rupiah"]
        entry["needs"] += row["needs"]
    rings = dict(
        CompanyVillage.objects.filter(company=company, village_id__in=list(villages)).values_list(
            "village", "ring"
        )
    )
    chosen = sorted(
        villages,
        key=lambda v: (
            rings.get(v, 4),
            villages[v]["reason"] != NO_CSR,
            -villages[v]["unfunded_rupiah"],
            v,
        ),
    )[:limit]
    regions = Region.objects.select_related("parent").in_bulk(chosen)
    return [{**villages[v], "village": regions[v], "ring": rings.get(v)} for v in chosen]
