"""A realization report's life: drafted and submitted by the company's officers, returned or
verified by a planner. Verification is the only place where delivered figures move:

    draft ──submit──> submitted ──verify──> verified
      ↑                 └──return──> returned ──submit again──┘

Verifying locks the program, then its pledges and needs in primary-key order (the order an
approval takes), re-checks that nothing is delivered beyond what was pledged, and moves the
counters with F(). Filing the first report of an approved program starts it.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, files, permissions, transitions, versions
from planning.models import Need, TargetUnit
from programs import workflow
from programs.models import Pledge, Program, UnitClaim

from . import notifications
from .models import Evidence, OutputLine, Report, ReportLine, ReportTransition, ReportUnit

S = Report.Status
PLANNER, OFFICER = permissions.PLANNER, permissions.OFFICER
DECIDED = gettext_lazy("This report is %(status)s: only a submitted report can be decided.")

TRANSITIONS = transitions.Table(
    allowed={
        (S.DRAFT, S.SUBMITTED): OFFICER,
        (S.RETURNED, S.SUBMITTED): OFFICER,
        (S.SUBMITTED, S.RETURNED): PLANNER,
        (S.SUBMITTED, S.VERIFIED): PLANNER,
    },
    record=ReportTransition,
    company=lambda report: report.program.company_id,
    region=lambda report: report.program.plan.city.code,
    comment_required=frozenset({S.RETURNED}),
    comment_missing=gettext_lazy("Write a comment for the company: say what to correct."),
    refused={
        S.SUBMITTED: gettext_lazy("This report has been submitted already."),
        S.RETURNED: DECIDED,
        S.VERIFIED: DECIDED,
    },
)


@transaction.atomic
def report_create(*, program: Program, period_start, period_end, by) -> Report:
    """A new draft for a period, with a line for each pledge and each output of the program,
    read under the program's lock (an approved change rewrites them under the same lock)."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status not in Program.REPORTING:
        raise ValidationError(_("Only an approved or running program reports its delivery."))
    report = Report(
        program=program, period_start=period_start, period_end=period_end, created_by=by
    )
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
            ReportLine.objects.bulk_create(
                ReportLine(report=report, pledge=pledge) for pledge in program.pledges.all()
            )
            OutputLine.objects.bulk_create(
                OutputLine(report=report, output=output) for output in program.outputs.all()
            )
    except IntegrityError:  # another officer started the same period a moment ago
        raise ValidationError(_("Another report of this program covers these dates.")) from None
    return report


@transaction.atomic
def report_save(*, report: Report, form, lines, outputs, units=None, by=None) -> Report:
    """Save a draft's figures and narrative, and the units it ticks as done; only while the
    company may still edit it, and from a form loaded after anyone else's last change
    (core.concurrency.Stale)."""
    _lock_editable(report)
    form.check_version()
    form.save()
    lines.save()
    outputs.save()
    if units is not None:
        units_tick(report=report, claim_ids=units.cleaned_data["units"], by=by)
    else:
        _count_ticked(report)
    return report


def reportable_claims(program: Program):
    """The units a report of `program` may tick: taken by its pledges, not delivered, and
    not ticked in another report still open or awaiting verification."""
    pending = ReportUnit.objects.filter(status=ReportUnit.Status.REPORTED).exclude(
        report__status=S.VERIFIED
    )
    return UnitClaim.objects.filter(
        pledge__program=program, committed=True, delivered=False
    ).exclude(pk__in=pending.values("claim"))


def units_tick(*, report: Report, claim_ids, by) -> None:
    """The units `report` says were done become `claim_ids`; the lines of the pledges that
    cover units report as many as are ticked. Under the report's lock (report_save) and the
    program's: two reports of a program never tick one unit."""
    Program.objects.select_for_update().filter(pk=report.program_id).values("pk").get()
    ids = {int(pk) for pk in claim_ids}
    allowed = set(reportable_claims(report.program).values_list("pk", flat=True)) | set(
        report.units.values_list("claim", flat=True)
    )
    if ids - allowed:
        raise ValidationError(_("Some units ticked are not this program's units to report."))
    ticked = set(report.units.values_list("claim", flat=True))
    if ticked == ids:
        _count_ticked(report)
        return
    report.units.exclude(claim__in=ids).delete()
    ReportUnit.objects.bulk_create(
        ReportUnit(report=report, claim_id=pk) for pk in sorted(ids - ticked)
    )
    _count_ticked(report)
    audit.record(report, by=by, changes={"units": (_references(ticked), _references(ids))})


def _references(claim_ids) -> str:
    units = UnitClaim.objects.filter(pk__in=claim_ids).select_related("unit").order_by("unit")
    return ", ".join(claim.unit.reference for claim in units)


def _count_ticked(report: Report, status: str = "") -> None:
    """Each line of a pledge that covers units reports the units ticked (or, given `status`,
    those with that status)."""
    covering = set(
        UnitClaim.objects.filter(pledge__program=report.program_id).values_list("pledge", flat=True)
    )
    if not covering:
        return
    ticked = report.units.filter(status=status) if status else report.units.all()
    counts = dict(
        ticked.values("claim__pledge").annotate(n=Count("pk")).values_list("claim__pledge", "n")
    )
    for line in report.lines.filter(pledge__in=covering):
        quantity = counts.get(line.pledge_id, 0)
        if line.quantity != quantity:
            ReportLine.objects.filter(pk=line.pk).update(quantity=quantity)


def _locked(report: Report) -> Report:
    """The report locked, with its program (whose company acts for it)."""
    return Report.objects.select_for_update().select_related("program__company").get(pk=report.pk)


def _over_pledge(report: Report, pledges: dict[int, Pledge]) -> list[str]:
    """Lines that would take a pledge's delivered total beyond its quantity."""
    return [
        _(
            '"%(pledge)s": %(delivered)s already verified and %(more)s in this report, more than '
            "the %(quantity)s pledged."
        )
        % {
            "pledge": pledges[line.pledge_id].need or pledges[line.pledge_id].priority,
            "delivered": pledges[line.pledge_id].delivered_quantity,
            "more": line.quantity,
            "quantity": pledges[line.pledge_id].quantity,
        }
        for line in report.lines.all()
        if pledges[line.pledge_id].delivered_quantity + line.quantity
        > pledges[line.pledge_id].quantity
    ]


@transaction.atomic
def report_submit(*, report: Report, by) -> Report:
    """Send a draft (or a returned report) to the planners; an approved program starts."""
    report = TRANSITIONS.make(_locked(report), S.SUBMITTED, by=by)
    if report.program.status not in Program.REPORTING:
        raise ValidationError(_("Only an approved or running program reports its delivery."))
    _count_ticked(report)
    if not report.narrative.strip():
        raise ValidationError(_("Say what was done in the period before submitting."))
    shown = set(report.evidence.exclude(unit=None).values_list("unit", flat=True))
    unshown = [
        t.claim.unit.reference
        for t in report.units.select_related("claim__unit")
        if t.claim.unit_id not in shown
    ]
    if unshown:
        raise ValidationError(
            _("Add a photo of each unit done: %(units)s have none.") % {"units": ", ".join(unshown)}
        )
    pledges = Pledge.objects.in_bulk(report.lines.values_list("pledge", flat=True))
    if problems := _over_pledge(report, pledges):
        raise ValidationError(problems)
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at", "updated_at"])
    if report.program.status == Program.Status.APPROVED:
        workflow.program_start(
            program=report.program, by=by, comment=_("First realization report filed.")
        )
    notifications.report_submitted(report)
    return report


@transaction.atomic
def report_return(*, report: Report, by, comment: str) -> Report:
    """Send a report back to the company; the comment says what to correct."""
    report = TRANSITIONS.make(_locked(report), S.RETURNED, by=by, comment=comment)
    report.save(update_fields=["status", "updated_at"])
    notifications.report_decided(report, comment)
    return report


@transaction.atomic
def report_verify(*, report: Report, by, comment: str = "", returned_units=()) -> Report:
    """Accept a report: its quantities count as delivered, never beyond what was pledged.
    The units it ticks are verified one by one: those in `returned_units` (claim ids) are
    not (the comment says why) and may be reported again; only verified units count."""
    report = TRANSITIONS.make(_locked(report), S.VERIFIED, by=by, comment=comment)
    program = Program.objects.select_for_update().get(pk=report.program_id)
    if program.status == Program.Status.CANCELLED:
        raise ValidationError(_("The program was cancelled: return the report instead."))
    _verify_units(report, {int(pk) for pk in returned_units}, comment, by)
    lines = list(report.lines.all())
    pledges = Pledge.objects.select_for_update().in_bulk(sorted({line.pledge_id for line in lines}))
    needs = {
        need.pk: need
        for need in Need.objects.select_for_update()
        .filter(pk__in={p.need_id for p in pledges.values() if p.need_id})
        .order_by("pk")
    }
    if problems := _over_pledge(report, pledges):
        raise ValidationError(problems)
    by_need: dict[int, int] = defaultdict(int)
    for line in lines:
        if not (line.quantity or line.amount):
            continue
        pledge = pledges[line.pledge_id]
        Pledge.objects.filter(pk=pledge.pk).update(
            delivered_quantity=F("delivered_quantity") + line.quantity,
            spent_amount=F("spent_amount") + line.amount,
        )
        audit.record(
            pledge,
            by=by,
            changes={
                "delivered_quantity": (
                    pledge.delivered_quantity,
                    pledge.delivered_quantity + line.quantity,
                ),
                "spent_amount": (pledge.spent_amount, pledge.spent_amount + line.amount),
            },
            data={"report": report.pk},
        )
        if pledge.need_id and line.quantity:
            by_need[pledge.need_id] += line.quantity
    if by_need:
        versions.bump("needs")  # the needs' figures drawn on the public pages change
    for pk, quantity in by_need.items():
        Need.objects.filter(pk=pk).update(delivered_quantity=F("delivered_quantity") + quantity)
        before = needs[pk].delivered_quantity
        audit.record(
            needs[pk],
            by=by,
            changes={"delivered_quantity": (before, before + quantity)},
            data={"program": report.program_id, "report": report.pk},
        )
    report.save(update_fields=["status", "updated_at"])
    notifications.report_decided(report, comment)
    return report


def _verify_units(report: Report, returned: set[int], comment: str, by) -> None:
    """Each unit ticked is verified or returned; the lines of pledges that cover units count
    the verified ones, and those claims are delivered."""
    ticked = list(report.units.select_for_update())
    if returned - {t.claim_id for t in ticked}:
        raise ValidationError(_("Only units the report ticks can be returned."))
    # The claims alone, in their units' order (the order picking, submitting and approving
    # lock units in); their units are read without a lock.
    locked = UnitClaim.objects.select_for_update().filter(pk__in=[t.claim_id for t in ticked])
    stale = [c.unit_id for c in locked.order_by("unit") if c.delivered or not c.committed]
    if done := [unit.reference for unit in TargetUnit.objects.filter(pk__in=stale)]:
        raise ValidationError(
            _("Delivered already, or no longer taken by this program: %(units)s.")
            % {"units": ", ".join(done)}
        )
    if returned and not comment.strip():
        raise ValidationError(_("Say in the comment why units are returned."))
    verified = [t.claim_id for t in ticked if t.claim_id not in returned]
    report.units.filter(claim__in=returned).update(status=ReportUnit.Status.RETURNED)
    report.units.filter(claim__in=verified).update(status=ReportUnit.Status.VERIFIED)
    UnitClaim.objects.filter(pk__in=verified).update(delivered=True)
    _count_ticked(report, ReportUnit.Status.VERIFIED)
    if ticked:
        audit.record(
            report,
            by=by,
            changes={
                "units verified": ("", _references(verified)),
                "units returned": ("", _references(returned)),
            },
        )


def _lock_editable(report: Report) -> None:
    if not Report.objects.select_for_update().get(pk=report.pk).is_editable:
        raise ValidationError(_("This report was submitted meanwhile; it can no longer change."))


@transaction.atomic
def evidence_add(*, report: Report, form, by) -> Evidence:
    """Keep an uploaded file (core.files), only while the company may still edit the report
    (a submission may have just committed: the report row is locked and re-read)."""
    _lock_editable(report)
    evidence = Evidence(
        report=report,
        caption=form.cleaned_data.get("caption", ""),
        unit=form.cleaned_data.get("unit"),
    )
    return files.store(evidence, form, by=by)


@transaction.atomic
def evidence_delete(*, evidence: Evidence) -> None:
    _lock_editable(evidence.report)
    files.remove(evidence)


def delivered_outputs(program: Program) -> dict[int, int]:
    """Each output's achieved total in verified reports (one query)."""
    return dict(
        OutputLine.objects.filter(output__program=program, report__status=S.VERIFIED)
        .values("output")
        .annotate(total=Sum("quantity"))
        .values_list("output", "total")
    )
