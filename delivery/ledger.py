"""The ledger of the pledges: each pledge's delivered quantity and spent amount equal the
sums of its lines in verified reports (programs.ledger checks the needs above them)."""

from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core import ledger
from programs.models import Pledge

from .models import Report, ReportLine

COUNTERS = {"delivered_quantity": "quantity", "spent_amount": "amount"}


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


def _describe(drift: ledger.Drift) -> str:
    pledge = drift.obj
    return (
        f"pledge {pledge.pk} of program {pledge.program_id}: {drift.field} stored "
        f"{drift.stored}, verified reports {drift.counted}"
    )


# A delivered total beyond the pledge's quantity is left for a planner.
LEDGER = ledger.Counters(
    model=Pledge,
    fields=tuple(COUNTERS),
    count=_counted,
    describe=_describe,
    refuses=lambda pledge: pledge.counted_delivered_quantity > pledge.quantity,
)
check, repair = LEDGER.check, LEDGER.repair
