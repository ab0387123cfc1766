"""The ledger of the pledges: each pledge's delivered quantity and spent amount equal the
sums of its lines in verified reports (programs.ledger checks the needs above them)."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core import audit
from programs.models import Pledge

from .models import Report, ReportLine

COUNTERS = {"delivered_quantity": "quantity", "spent_amount": "amount"}


@dataclass
class Drift:
    pledge: Pledge
    field: str
    stored: int
    counted: int


def _counted(queryset):
    verified = ReportLine.objects.filter(
        pledge=OuterRef("pk"), report__status=Report.Status.VERIFIED
    ).values("pledge")
    return queryset.annotate(
        **{
            f"counted_{field}": Coalesce(
                Subquery(
                    verified.annotate(total=Sum(line)).values("total"),
                    output_field=IntegerField(),
                ),
                Value(0),
            )
            for field, line in COUNTERS.items()
        }
    )


def check() -> list[Drift]:
    drifted = _counted(Pledge.objects.all()).filter(
        ~Q(delivered_quantity=F("counted_delivered_quantity"))
        | ~Q(spent_amount=F("counted_spent_amount"))
    )
    return [
        Drift(pledge, field, getattr(pledge, field), getattr(pledge, f"counted_{field}"))
        for pledge in drifted.select_related("program").order_by("pk")
        for field in COUNTERS
        if getattr(pledge, field) != getattr(pledge, f"counted_{field}")
    ]


def repair(drifts: list[Drift], *, by=None) -> list[Drift]:
    """Set each drifted pledge's totals from its verified lines, under the pledge's lock; a
    total beyond the pledge's quantity is left for a planner."""
    repaired = []
    for pk in sorted({drift.pledge.pk for drift in drifts}):
        with transaction.atomic():
            pledge = _counted(Pledge.objects.select_for_update(of=("self",))).get(pk=pk)
            changes = {
                field: (getattr(pledge, field), getattr(pledge, f"counted_{field}"))
                for field in COUNTERS
                if getattr(pledge, field) != getattr(pledge, f"counted_{field}")
            }
            if not changes or pledge.counted_delivered_quantity > pledge.quantity:
                continue
            Pledge.objects.filter(pk=pk).update(**{f: new for f, (_old, new) in changes.items()})
            audit.record(pledge, by=by, changes=changes, data={"repair": "check_ledger"})
            repaired += [Drift(pledge, f, old, new) for f, (old, new) in changes.items()]
    return repaired
