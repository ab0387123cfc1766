"""The units a pledge covers (programs.models.UnitClaim), one rule a step:

- an officer picks units of the pledge's need while the program is a draft (or sent back):
  each is reserved for it for settings.UNIT_RESERVATION_DAYS, shown to others as reserved;
  a unit another pledge holds (reserved, under review, taken) cannot be picked;
- submitting checks that every unit is still free for it (units locked);
- approving takes them (`take`, under the needs' locks; the database keeps one committed
  pledge per unit); cancelling gives back those not delivered (`give_back`);
- a planner verifies delivery unit by unit (delivery.services), the only way a claim becomes
  delivered.

Every change of a pledge's units is in the audit trail (references, never personal data).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, permissions
from planning.models import Need, TargetUnit

from .models import Pledge, Program, UnitClaim

# How many units the portal proposes to pick at most (the pledge's quantity caps it).
PROPOSED_AT_MOST = 500


# The statuses of a program whose company sees the households its pledges hold: submitted,
# approved or running (core.permissions.sees_household_data). Not a draft, nor a program sent
# back for revision (its officers could pick and unpick households to read them), nor one
# completed, rejected or cancelled.
SHOWS_HOUSEHOLDS = [Program.Status.SUBMITTED, *Program.REPORTING]


@dataclass
class Holding:
    """Who holds a unit, as its page and its need's list say it."""

    company_id: int
    company: str
    program_id: int
    status: str  # the program's
    state: str  # "reserved", "held", "taken", "delivered"
    until: datetime.datetime | None

    @property
    def shows_personal_data(self) -> bool:
        return self.status in SHOWS_HOUSEHOLDS


def holdings(units) -> dict[int, Holding]:
    """{unit id: who holds it} for the units (ids or a queryset) that a live claim holds;
    one query."""
    rows = (
        UnitClaim.objects.live()
        .filter(unit__in=units)
        .values_list(
            "unit",
            "pledge__program__company",
            "pledge__program__company__name",
            "pledge__program",
            "pledge__program__status",
            "committed",
            "delivered",
            "reserved_until",
        )
    )
    found = {}
    for unit, company, name, program, status, committed, delivered, until in rows:
        if delivered:
            state = "delivered"
        elif committed:
            state = "taken"
        elif status == Program.Status.DRAFT:
            state = "reserved"
        else:
            state = "held"
        found[unit] = Holding(
            company, name, program, status, state, until if state == "reserved" else None
        )
    return found


def sees_household(user, unit: TargetUnit, holding: Holding | None) -> bool:
    """core.permissions' rule for one unit, with its holding at hand."""
    holder = holding.company_id if holding and holding.shows_personal_data else None
    return permissions.sees_household_data(user, unit.region_code, holder)


def free_units(need: Need, *, pledge: Pledge | None = None):
    """The need's units a pledge may pick: not erased, held by no other pledge, and not
    picked by another pledge of its own program (whatever its reservation's date)."""
    held = UnitClaim.objects.live().filter(unit__need=need)
    if pledge is not None:
        held = held.exclude(pledge=pledge)
        own = UnitClaim.objects.filter(pledge__program=pledge.program_id).exclude(pledge=pledge)
        held = held | own.filter(unit__need=need)
    return need.units.filter(erased_at=None).exclude(pk__in=held.values("unit"))


def proposed(pledge: Pledge) -> list[int]:
    """The units the portal proposes for a pledge: the lowest deciles and the most damaged
    first, as many as the pledge's quantity."""
    units = free_units(pledge.need, pledge=pledge).neediest_first()
    return list(units.values_list("pk", flat=True)[: min(pledge.quantity, PROPOSED_AT_MOST)])


def _locked_program(pledge: Pledge) -> Program:
    return Program.objects.select_for_update().get(pk=pledge.program_id)


class StalePicks(ValidationError):
    """The pledge's units changed since the page was loaded; `current` holds them now."""

    def __init__(self, current: list[int]):
        super().__init__(
            _(
                "Another officer changed this pledge's units since you opened the page; they "
                "are shown as they are now. Pick again and save."
            )
        )
        self.current = current


@transaction.atomic
def claims_set(
    *, pledge: Pledge, unit_ids: list[int], by, loaded: list[int] | None = None
) -> list[UnitClaim]:
    """The units `pledge` covers become `unit_ids` (of its need), reserved anew. Only while
    the program may be edited by its company, and from a page that showed the picks as they
    are (`loaded`; StalePicks otherwise); the units are locked, so that two officers picking
    the same house at once cannot both have it."""
    program = _locked_program(pledge)
    if not program.is_editable:
        raise ValidationError(_("Units are picked while the program is a draft or sent back."))
    current = sorted(pledge.claims.values_list("unit", flat=True))
    if loaded is not None and loaded != current:
        raise StalePicks(current)
    if pledge.need_id is None:
        raise ValidationError(_("Choose the pledge's need first: units belong to a need."))
    unit_ids = sorted(set(unit_ids))
    if len(unit_ids) > pledge.quantity:
        raise ValidationError(
            _("The pledge is for %(quantity)s; %(count)s units were picked.")
            % {"quantity": pledge.quantity, "count": len(unit_ids)}
        )
    locked = list(TargetUnit.objects.select_for_update().filter(pk__in=unit_ids).order_by("pk"))
    free = set(
        free_units(pledge.need, pledge=pledge).filter(pk__in=unit_ids).values_list("pk", flat=True)
    )
    if len(locked) != len(unit_ids) or any(unit.need_id != pledge.need_id for unit in locked):
        raise ValidationError(_("Some units picked are not units of this need."))
    if taken := [unit for unit in locked if unit.pk not in free]:
        raise ValidationError(
            _("No longer free for this pledge: %(units)s. Pick others.")
            % {"units": ", ".join(unit.reference for unit in taken)}
        )
    until = timezone.now() + datetime.timedelta(days=settings.UNIT_RESERVATION_DAYS)
    pledge.claims.exclude(unit__in=unit_ids).delete()
    pledge.claims.filter(unit__in=unit_ids).update(reserved_until=until)
    kept = set(current) & set(unit_ids)
    UnitClaim.objects.bulk_create(
        UnitClaim(pledge=pledge, unit_id=pk, reserved_until=until)
        for pk in unit_ids
        if pk not in kept
    )
    if current != unit_ids:
        audit.record(
            pledge,
            by=by,
            changes={"units": (_references(current), _references(unit_ids))},
        )
    return list(pledge.claims.all())


def _references(ids) -> str:
    return ", ".join(TargetUnit(pk=pk, kind=TargetUnit.Kind.HOUSEHOLD).reference[3:] for pk in ids)


def submission_problems(program: Program) -> list[str]:
    """Units another pledge has come to hold since they were picked (a reservation ran out).
    The units are locked: a submission and another's approval do not both keep one."""
    claims = list(
        UnitClaim.objects.filter(pledge__program=program).select_related("unit", "pledge")
    )
    if not claims:
        return []
    list(
        TargetUnit.objects.select_for_update()
        .filter(pk__in=[c.unit_id for c in claims])
        .order_by("pk")
        .values("pk")
    )
    others = set(
        UnitClaim.objects.live()
        .filter(unit__in=[c.unit_id for c in claims])
        .exclude(pledge__program=program)
        .values_list("unit", flat=True)
    )
    problems = [
        _("%(unit)s is held by another program now: pick another unit.")
        % {"unit": claim.unit.reference}
        for claim in claims
        if claim.unit_id in others
    ]
    problems += [
        _("%(unit)s is not a unit of its pledge's need: pick the units again.")
        % {"unit": claim.unit.reference}
        for claim in claims
        if claim.unit.need_id != claim.pledge.need_id
    ]
    picked = [claim.unit_id for claim in claims]
    problems += [
        _("%(unit)s is picked by two pledges of this program: keep it in one.")
        % {"unit": claim.unit.reference}
        for claim in {claim.unit_id: claim for claim in claims}.values()
        if picked.count(claim.unit_id) > 1
    ]
    over = program.pledges.annotate(picked=Count("claims")).filter(picked__gt=F("quantity"))
    problems += [
        _("A pledge for %(quantity)s covers %(picked)s units.")
        % {"quantity": pledge.quantity, "picked": pledge.picked}
        for pledge in over
    ]
    return problems


def fit(program: Program) -> int:
    """After a pledge's need or quantity changed (the program form, an approved change, a
    steering): the units it no longer covers are given back, those of another need and, from
    the last picked, those beyond its quantity; never one delivered or ticked in a report.
    Returns how many were given back."""
    claims = UnitClaim.objects.filter(pledge__program=program, delivered=False, reports=None)
    elsewhere = claims.exclude(unit__need=F("pledge__need")).values_list("pk", flat=True)
    given_back = set(elsewhere)
    for pledge in program.pledges.annotate(picked=Count("claims")).filter(picked__gt=F("quantity")):
        extra = claims.filter(pledge=pledge).exclude(pk__in=given_back).order_by("-pk")
        given_back |= set(extra.values_list("pk", flat=True)[: pledge.picked - pledge.quantity])
    if given_back:
        UnitClaim.objects.filter(pk__in=given_back).delete()
    return len(given_back)


def take(program: Program) -> None:
    """At approval, under the needs' locks: the program's units become taken. Another
    approved pledge holding one refuses the approval; the database refuses it too."""
    claims = UnitClaim.objects.filter(pledge__program=program)
    unit_ids = list(claims.values_list("unit", flat=True))
    if not unit_ids:
        return
    if claims.exclude(unit__need=F("pledge__need")).exists() or (
        program.pledges.annotate(picked=Count("claims")).filter(picked__gt=F("quantity")).exists()
    ):
        raise ValidationError(
            _("A pledge covers units of another need, or more units than its quantity.")
        )
    list(TargetUnit.objects.select_for_update().filter(pk__in=unit_ids).order_by("pk").values("pk"))
    taken = (
        UnitClaim.objects.filter(unit__in=unit_ids, committed=True)
        .exclude(pledge__program=program)
        .select_related("unit")
    )
    if taken := [claim.unit.reference for claim in taken]:
        raise ValidationError(
            _("Taken by another approved pledge: %(units)s.") % {"units": ", ".join(taken)}
        )
    try:
        with transaction.atomic():
            claims.update(committed=True, reserved_until=None)
    except IntegrityError:
        raise ValidationError(_("Another approved pledge has taken one of these units.")) from None


def give_back(program: Program) -> None:
    """At cancellation: the units not delivered are free again."""
    UnitClaim.objects.filter(pledge__program=program, delivered=False).update(committed=False)


def decile_figures(units) -> dict:
    """Households by welfare decile band (1-2, 3-4, 5-10, unknown): registered, taken and
    delivered, for the dashboards. One query."""
    band = {
        "poorest": Q(decile__lte=2),
        "poor": Q(decile__in=[3, 4]),
        "others": Q(decile__gte=5),
        "unknown": Q(decile=None),
    }
    taken = Q(claims__committed=True)
    delivered = Q(claims__delivered=True)
    sums = {}
    for name, where in band.items():
        sums[f"{name}_registered"] = Count("pk", filter=where, distinct=True)
        sums[f"{name}_taken"] = Count("pk", filter=where & taken, distinct=True)
        sums[f"{name}_delivered"] = Count("pk", filter=where & delivered, distinct=True)
    return units.households().aggregate(**sums)
