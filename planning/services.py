import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit

from .imports import ImportFileError, apply_needs, preview_needs, same_outcome
from .models import PERSONAL_FIELDS, Need, NeedImport, TargetUnit
from .unit_imports import apply_units, preview_units


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


@dataclass
class Confirmation:
    """What confirming an import did: `imported`, or why not (`message`, at `level`)."""

    imported: bool
    message: str
    level: int = messages.ERROR


def need_import_confirm(*, need_import: NeedImport, by, skip_errors: bool) -> Confirmation:
    """Import the kept rows of an upload that have no error, once.

    Two planners confirming the same file at once import it once (the upload's row is
    locked). The kept cells are checked again against the plan as it is now: if the outcome
    changed (a need was pledged or edited, a priority removed), the new preview is kept and
    nothing is imported; rows with errors are skipped only when the planner says so."""
    with transaction.atomic():
        need_import = (
            NeedImport.objects.select_for_update()
            .select_related("plan__city")
            .get(pk=need_import.pk)
        )
        if need_import.status == NeedImport.Status.IMPORTED:
            return Confirmation(False, _("This file has already been imported."), messages.INFO)
        if not need_import.table:
            return Confirmation(
                False, _("This upload holds no rows to import; upload the file again.")
            )
        counts = need_import.preview.get("counts", {})
        if counts.get("rows_with_errors") and not skip_errors:
            return Confirmation(False, _("Confirm that the rows with errors are skipped."))
        try:
            preview = check_import(need_import, need_import.table)
        except ImportFileError as e:
            return Confirmation(False, str(e))
        if not same_outcome(preview.as_json(), need_import.preview):
            need_import.preview = preview.as_json()
            need_import.error_count = preview.error_count
            need_import.save(update_fields=["preview", "error_count"])
            return Confirmation(
                False,
                _("The plan changed since this file was checked: see the rows again."),
                messages.WARNING,
            )
        data = {"import": need_import.pk}
        try:
            if need_import.kind == NeedImport.Kind.NEEDS:
                created, updated = apply_needs(preview, by=by, data=data)
            else:
                created, updated = apply_units(preview, by=by, data=data), 0
        except ImportFileError as e:
            return Confirmation(False, str(e))
        need_import.status = NeedImport.Status.IMPORTED
        need_import.created_count, need_import.updated_count = created, updated
        need_import.skipped_count = len(preview.errors)
        need_import.imported_at = timezone.now()
        if need_import.kind == NeedImport.Kind.HOUSEHOLDS:
            need_import.table = []  # names and addresses: kept no longer than needed
        need_import.save()
    if need_import.kind != NeedImport.Kind.NEEDS:
        matched = preview.as_json()["counts"]["matched"]
        return Confirmation(
            True,
            _("Imported: %(created)s new units; %(matched)s already registered, not added.")
            % {"created": created, "matched": matched},
        )
    return Confirmation(
        True,
        _("Imported: %(created)s new needs, %(updated)s updated.")
        % {"created": created, "updated": updated},
    )


# Hours an unconfirmed household file's cells (names, addresses) are kept for its confirmation.
HOUSEHOLD_CELLS_HOURS = 24


def forget_household_cells(
    *, older_than=datetime.timedelta(hours=HOUSEHOLD_CELLS_HOURS), imports=None
) -> int:
    """Drop the kept cells of household files (of `imports`, default every one) previewed
    and not imported since `older_than` (they name people): confirming one then asks for the
    file again. Run daily (send_reminders), on each upload, and when a household is erased
    (its region's files)."""
    stale = (
        (NeedImport.objects if imports is None else imports)
        .filter(
            kind=NeedImport.Kind.HOUSEHOLDS,
            status=NeedImport.Status.PREVIEWED,
            uploaded_at__lte=timezone.now() - older_than,
        )
        .exclude(table=[])
    )
    return stale.update(table=[])


def check_import(need_import: NeedImport, table: list[list]):
    """The dry run of an upload's kept cells, by its kind (needs, households, schools)."""
    if need_import.kind == NeedImport.Kind.NEEDS:
        return preview_needs(need_import.plan, table)
    return preview_units(need_import.plan, need_import.priority, need_import.kind, table)


@transaction.atomic
def unit_erase(*, unit, by, reason: str):
    """Erase a household's personal data on its request (UU 27/2022): its name, masked NIK,
    address, RT/RW and coordinates go; its place in the counts, its decile and condition,
    and the keyed hash of its NIK (so that a re-import of the register does not bring it
    back) stay. The audit trail says who erased it and why, never what was erased."""
    if not reason.strip():
        raise ValidationError(_("Say why the data is erased (e.g. the request's date)."))
    unit = TargetUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.erased_at:
        raise ValidationError(_("This household's personal data was erased already."))
    if not unit.is_household:
        raise ValidationError(_("Only a household's personal data is erased."))
    masked = unit.nik_masked
    for name in PERSONAL_FIELDS:
        setattr(unit, name, None if name in ("latitude", "longitude") else "")
    unit.erased_at = timezone.now()
    unit.save(update_fields=[*PERSONAL_FIELDS, "erased_at"])
    # The region's household files may name it too: those not imported are to be uploaded
    # again, and the kept previews lose its masked NIK.
    region = NeedImport.objects.in_region(unit.region_code).filter(kind=NeedImport.Kind.HOUSEHOLDS)
    forget_household_cells(older_than=datetime.timedelta(0), imports=region)
    for need_import in region.exclude(preview={}).only("preview"):
        rows = need_import.preview.get("rows", [])
        for row in rows:
            if row["values"].get("nik") == masked:
                row["values"]["nik"] = ""
        need_import.save(update_fields=["preview"])
    audit.record(
        unit,
        by=by,
        changes={"erased_at": (None, unit.erased_at)},
        data={"erasure": reason.strip()[:500]},
    )
    return unit
