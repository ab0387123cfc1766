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

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from core import audit, versions
from planning.models import Need

from .models import Pledge, Program

COUNTERS = ("pledged_quantity", "delivered_quantity")


@dataclass
class Drift:
    need: Need
    field: str
    stored: int
    counted: int

    @property
    def overallocated(self) -> bool:
        """More is held than the need's quantity: no figure can be right; a planner must
        cancel or revise a program."""
        return self.counted > self.need.quantity


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


def check(needs=None) -> list[Drift]:
    """Every need whose counters differ from its pledges: one query, one snapshot (an
    approval committing meanwhile cannot make a false alarm)."""
    queryset = Need.objects.all() if needs is None else Need.objects.filter(pk__in=needs)
    drifted = (
        _counted(queryset)
        .filter(
            ~Q(pledged_quantity=F("counted_pledged_quantity"))
            | ~Q(delivered_quantity=F("counted_delivered_quantity"))
        )
        .only("pk", "title", "quantity", *COUNTERS)
        .order_by("pk")
    )
    return [
        Drift(need, field, getattr(need, field), getattr(need, f"counted_{field}"))
        for need in drifted
        for field in COUNTERS
        if getattr(need, field) != getattr(need, f"counted_{field}")
    ]


def repair(drifts: list[Drift], *, by=None) -> list[Drift]:
    """Set each drifted need's counters from its pledges, counted again under the need's
    lock; over-allocated needs are left for a planner. Returns what was repaired."""
    repaired = []
    for pk in sorted({drift.need.pk for drift in drifts}):
        with transaction.atomic():
            need = _counted(Need.objects.select_for_update(of=("self",))).get(pk=pk)
            changes = {
                field: (getattr(need, field), getattr(need, f"counted_{field}"))
                for field in COUNTERS
                if getattr(need, field) != getattr(need, f"counted_{field}")
            }
            if not changes or max(new for _old, new in changes.values()) > need.quantity:
                continue
            Need.objects.filter(pk=pk).update(**{f: new for f, (_old, new) in changes.items()})
            versions.bump("matching")
            audit.record(need, by=by, changes=changes, data={"repair": "check_ledger"})
            repaired += [Drift(need, f, old, new) for f, (old, new) in changes.items()]
    return repaired
