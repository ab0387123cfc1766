"""Writes that touch several rows or change a program's status."""

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from csrportal.templatetags.portal import rupiah
from planning.models import Need

from .models import Attachment, Pledge, Program


@transaction.atomic
def program_save_draft(*, form, formset, company, by) -> Program:
    """Save a program with its villages and pledges, all or nothing."""
    program = form.save(commit=False)
    if program.pk is None:
        program.company = company
        program.plan = form.plan
        program.created_by = by
    program.updated_by = by
    program.save()
    form.save_m2m()
    formset.instance = program
    formset.save()
    return program


def pledge_warnings(program: Program) -> list[str]:
    """Pledges that promise more than their need has left: a warning while drafting,
    refused at approval."""
    warnings = []
    for pledge in program.pledges.select_related("need__village", "need__priority"):
        need = pledge.need
        if need and pledge.quantity > need.gap:
            warnings.append(
                _('%(quantity)s %(unit)s pledged to "%(need)s", which has %(gap)s left.')
                % {
                    "quantity": pledge.quantity,
                    "unit": need.get_unit_display(),
                    "need": need.title,
                    "gap": need.gap,
                }
            )
    return warnings


def submission_problems(program: Program) -> list[str]:
    """What is missing before a program can be submitted, in words for the officer."""
    problems = []
    required = [
        ("summary", _("a summary")),
        ("description", _("a description")),
        ("pillar", _("a pillar")),
        ("start_date", _("a start date")),
        ("end_date", _("an end date")),
        ("budget", _("a budget")),
        ("beneficiaries", _("the planned beneficiaries")),
    ]
    missing = [label for name, label in required if getattr(program, name) in (None, "")]
    if missing:
        problems.append(_("Fill in %(fields)s.") % {"fields": ", ".join(missing)})
    if not program.villages.exists():
        problems.append(_("Choose at least one target kelurahan."))
    pledged = program.pledges.aggregate(total=Sum("amount"))["total"]
    if pledged is None:
        problems.append(_("Add at least one pledge toward a priority of the plan."))
    elif program.budget and pledged > program.budget:
        problems.append(
            _("The pledges total %(total)s, more than the program's budget of %(budget)s.")
            % {"total": rupiah(pledged), "budget": rupiah(program.budget)}
        )
    return problems


def attachment_add(*, program: Program, form, by) -> Attachment:
    attachment = form.save(commit=False)
    attachment.program = program
    attachment.original_name = form.cleaned_data["file"].name[:255]
    attachment.content_type = form.content_type
    attachment.size = form.cleaned_data["file"].size
    attachment.uploaded_by = by
    attachment.save()
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment) -> None:
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(name))


def needs_recount_pledged(needs) -> int:
    """Set each need's pledged quantity from its committed pledges (a repair tool and the
    demo seed's; approvals keep it current under a row lock)."""
    totals = dict(
        Pledge.objects.filter(need__in=needs, program__status__in=Program.COMMITTED)
        .values("need")
        .annotate(total=Sum("quantity"))
        .values_list("need", "total")
    )
    changed = []
    for need in needs:
        total = totals.get(need.pk, 0)
        if need.pledged_quantity != total:
            need.pledged_quantity = total
            changed.append(need)
    Need.objects.bulk_update(changed, ["pledged_quantity"])
    return len(changed)
