"""Writes that touch several rows or change a program's status."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core import files
from core.db import model_columns
from core.money import rupiah

from . import claims, commitments
from .models import Attachment, OutputIndicator, Program, ProgramOutput, Round


@transaction.atomic
def program_save_draft(*, form, formsets, company, by) -> Program:
    """Save a program with its villages, pledges, outputs and partners, all or nothing.

    An existing program is locked and must still be editable: a draft submitted from
    another tab meanwhile is not changed, and only the form's columns are written, never
    a status read at the start of the request. A form loaded before another person's
    change is refused (core.concurrency.Stale).
    """
    program = form.save(commit=False)
    program.updated_by = by
    if program.round_id and "round" in form.changed_data:
        _check_round_open_to(program.round_id, company)
    if program.pk is None:
        program.company = company
        program.plan = form.plan
        program.created_by = by
        program.save()
    else:
        locked = _lock_editable(program)
        form.check_version()
        program.status = locked.status
        program.save(
            update_fields=[*model_columns(Program, form.fields), "updated_by", "updated_at"]
        )
    form.save_m2m()
    for formset in formsets:
        formset.instance = program
        if formset.model is ProgramOutput:
            _propose_indicators(formset, company)
        formset.save()
    claims.fit(program)  # a pledge's need or quantity may have changed under its units
    return program


def _check_round_open_to(round_id: int, company) -> None:
    """The round must still be open and invite the company, read under the round's lock (the
    lock `programs.rounds` takes to close a round or change whom it invites)."""
    round = Round.objects.select_for_update().get(pk=round_id)
    if not round.is_open or not round.invitations.filter(company=company).exists():
        raise ValidationError(
            _("%(round)s is closed to this company; the draft was not saved.")
            % {"round": round.title}
        )


def _propose_indicators(formset, company) -> None:
    """Outputs whose indicator the officer typed in get it (`indicator_named`)."""
    for output_form in formset.forms:
        name = (output_form.cleaned_data.get("new_indicator") or "").strip()
        if not name or output_form.cleaned_data.get("DELETE"):
            continue
        output_form.instance.indicator = indicator_named(
            name, output_form.cleaned_data["new_unit"].strip(), company
        )


def indicator_named(name: str, unit: str, company) -> OutputIndicator:
    """The indicator called `name`: an existing one, or a new one proposed by the company
    (usable by it at once, by all once approved)."""
    indicator = OutputIndicator.objects.filter(name__iexact=name).first()
    if indicator is None:
        indicator = OutputIndicator.objects.create(
            name=name, unit=unit, approved=False, proposed_by=company
        )
    return indicator


@transaction.atomic
def program_update(*, program: Program, fields: list[str], by) -> Program:
    """Save an administrator's corrections to a program's own columns, never its status,
    company or plan (those move only through the workflow)."""
    if forbidden := set(fields) & {"status", "company", "plan", "submitted_at"}:
        raise ValueError(f"not changed here: {sorted(forbidden)}")
    locked = Program.objects.select_for_update().get(pk=program.pk)
    program.updated_by = by
    program.save(update_fields=[*fields, "updated_by", "updated_at"])
    if locked.status in Program.COMMITTED and {"pillar", "budget"} & set(fields):
        commitments.recount(program.company_id)
    return program


def pledge_warnings(program: Program) -> list[str]:
    """Pledges that promise more than their need has left (a warning while drafting, refused
    at approval), or toward a need outside the program's target kelurahan."""
    warnings = []
    villages = set(program.villages.values_list("pk", flat=True))
    for pledge in program.pledges.select_related("need__village", "need__priority"):
        need = pledge.need
        if pledge.lies_outside(villages):
            warnings.append(
                _(
                    '"%(need)s" lies in Kelurahan %(village)s, which is not among the '
                    "program's target kelurahan."
                )
                % {"need": need.title, "village": need.village.name}
            )
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
    if program.round_id and program.submitted_at is None and not program.round.is_open:
        problems.append(
            _("%(round)s is closed: choose no round (edit the program) to submit it.")
            % {"round": program.round.title}
        )
    pledged = program.pledges.aggregate(total=Sum("amount"))["total"]
    if pledged is None and not program.outputs.exists():
        # CSR outside the plan is reported too (a city's Perda asks for all of it): by what
        # it delivers, its outputs.
        problems.append(
            _(
                "Add a pledge toward a priority of the plan or, for CSR outside the plan, at "
                "least one output."
            )
        )
    elif pledged is not None and program.budget and pledged > program.budget:
        problems.append(
            _("The pledges total %(total)s, more than the program's budget of %(budget)s.")
            % {"total": rupiah(pledged), "budget": rupiah(program.budget)}
        )
    return problems


@transaction.atomic
def attachment_add(*, program: Program, form, by) -> Attachment:
    """Keep an uploaded file (core.files), only while the program may still change: locked
    and read again (a submission may have just committed)."""
    locked = _lock_editable(program)
    return files.store(Attachment(program=locked, kind=form.cleaned_data["kind"]), form, by=by)


@transaction.atomic
def attachment_delete(*, attachment: Attachment) -> None:
    _lock_editable(attachment.program)
    files.remove(attachment)


def _lock_editable(program: Program) -> Program:
    locked = Program.objects.select_for_update().get(pk=program.pk)
    if not locked.is_editable:
        raise ValidationError(
            _("This program is %(status)s now; it can no longer be changed.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked
