"""What the API's programs read: the facts the public pages show of a program
(insight.figures.public_programs, which they draw), and its partners, as plain values in
constant queries.

A page of 50 programs read as model instances with their pledges, outputs, villages and
partners made an answer of ~30 ms of CPU, most of it building and joining instances it never
needed; as values, ~12 ms (docs/performance.md). The serializers
(api.serializers.ProgramSerializer) still choose and type every field the answer gives.
"""

from collections import defaultdict

from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from delivery.models import OutputLine, Report
from programs.models import Pledge, Program, ProgramOutput, ProgramPartner


def _by_program(rows) -> dict[int, list[dict]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.pop("program_id")].append(row)
    return grouped


def programs(queryset):
    """`queryset`'s programs as the values the API gives of each (one query when read: a page
    of them, or one)."""
    return queryset.values(
        "id",
        "title",
        "summary",
        "status",
        "pillar",
        "start_date",
        "end_date",
        "budget",
        "sdgs",
        "updated_at",
        company_name=F("company__name"),
        company_slug=F("company__slug"),
    )


def with_details(found: list[dict]) -> list[dict]:
    """The programs `found` (programs()' values) each with its villages, pledges with their
    verified delivery, outputs with their verified achievement and partners (four queries,
    whatever their number)."""
    ids = [program["id"] for program in found]
    villages = _by_program(
        Program.villages.through.objects.filter(program_id__in=ids)
        .values(
            "program_id", code=F("region__code"), name=F("region__name"), kind=F("region__kind")
        )
        .order_by("region__name", "region__code")
    )
    pledges = _by_program(
        Pledge.objects.filter(program_id__in=ids)
        .values(
            "program_id",
            "need_id",
            "quantity",
            "delivered_quantity",
            priority_code=F("priority__code"),
            village_code=F("need__village__code"),
        )
        .order_by("pk")
    )
    achieved = (
        OutputLine.objects.filter(output=OuterRef("pk"), report__status=Report.Status.VERIFIED)
        .order_by()
        .values("output")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    outputs = _by_program(
        ProgramOutput.objects.filter(program_id__in=ids)
        .values(
            "program_id",
            "site",
            "target_quantity",
            indicator_name=F("indicator__name"),
            indicator_unit=F("indicator__unit"),
            village_code=F("village__code"),
            achieved=Coalesce(Subquery(achieved), Value(0)),
        )
        .order_by("pk")
    )
    partners = _by_program(
        ProgramPartner.objects.filter(program_id__in=ids)
        .values("program_id", "kind", shown_name=Coalesce("company__name", "name"))
        .order_by("pk")
    )
    for program in found:
        pk = program["id"]
        program["villages"] = villages.get(pk, [])
        program["pledges"] = pledges.get(pk, [])
        program["outputs"] = outputs.get(pk, [])
        program["partners"] = partners.get(pk, [])
    return found
