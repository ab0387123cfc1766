"""The ledger of the needs: each need's counters equal what its pledges hold.

- pledged: the quantity of every pledge of an approved, running or completed program, and
  what a cancelled program delivered before it stopped (delivered houses stay delivered);
- delivered: what verified realization reports delivered, summed over its pledges.

Approvals, cancellations and verifications keep them so under row locks. `check` finds any
need whose stored figures have drifted (a restore from backup, a manual SQL fix, a bug) and
`repair` sets them right, each need under its row lock and with an audit entry. The pledges'
own delivered figures are checked against their reports by delivery.ledger;
`manage.py check_ledger` runs both and is safe to run from cron.
"""

from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from core import ledger, versions
from planning.models import Need

from .models import Pledge, Program

COUNTERS = ("pledged_quantity", "delivered_quantity")


def _sum(expression):
    pledges = Pledge.objects.filter(need=OuterRef("pk")).values("need")
    total = pledges.annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


HELD = Case(
    When(program__status__in=Program.COMMITTED, then=F("quantity")),
    When(program__status=Program.Status.CANCELLED, then=F("delivered_quantity")),
    default=Value(0),
)


def _counted(queryset):
    return queryset.annotate(
        counted_pledged_quantity=_sum(HELD),
        counted_delivered_quantity=_sum(F("delivered_quantity")),
    )


def _describe(drift: ledger.Drift) -> str:
    need = drift.obj
    what = " over-allocated, cancel or revise a program" if drift.refused else ""
    return (
        f"need {need.pk} ({need.title}): {drift.field} stored {drift.stored}, pledges "
        f"{drift.counted}, quantity {need.quantity}{what}"
    )


# More held than the need's quantity: no figure can be right; a planner must cancel or revise
# a program.
LEDGER = ledger.Counters(
    model=Need,
    fields=COUNTERS,
    count=_counted,
    describe=_describe,
    refuses=lambda need: max(getattr(need, f"counted_{f}") for f in COUNTERS) > need.quantity,
    after_repair=lambda: versions.bump("needs"),
    only=("title", "quantity"),
)
check, repair = LEDGER.check, LEDGER.repair
