from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Need


@transaction.atomic
def need_save(*, need: Need, by, fields: Iterable[str] | None = None, form=None) -> Need:
    """Create a need, or save the `fields` changed on it (default: every editable field).

    An update locks the need's row and takes its counters from it, so the checks see what
    an approval committed a moment ago, and writes only the changed fields: a save never
    puts back a pledged quantity read at the start of the request. An edit `form` loaded
    before another person's change is refused (core.concurrency.Stale).
    """
    if need.pk is None:
        need.created_by = by
        need.full_clean()
        need.save()
        return need
    fields = list(Need.EDITABLE_FIELDS if fields is None else fields)
    if unknown := set(fields) - set(Need.EDITABLE_FIELDS):
        raise ValueError(f"not editable: {sorted(unknown)}")
    lock_for_edit(need)
    if form is not None:
        form.check_version()
    need.full_clean()
    if fields:
        need.save(update_fields=[*fields, "updated_at"])
    return need


def lock_for_edit(need: Need, *, priority=None) -> None:
    """Lock the need's row and give `need` (an edited copy) its current counters, so the
    checks that follow see what an approval committed a moment ago. Call inside a
    transaction; ValidationError if the edit (or `priority`, the one a form is about to
    set) moves a pledged need to another priority."""
    locked = Need.objects.select_for_update().get(pk=need.pk)
    need.pledged_quantity = locked.pledged_quantity
    need.delivered_quantity = locked.delivered_quantity
    target = priority.pk if priority is not None else need.priority_id
    if target != locked.priority_id and locked.pledges.exists():
        raise ValidationError(
            {"priority": _("Programs pledge toward this need: its priority cannot change.")}
        )


def need_set_status(*, need: Need, status: str, by) -> Need:
    """Close a need (no more pledges toward it) or open it again."""
    need.status = status
    return need_save(need=need, by=by, fields=["status"])
