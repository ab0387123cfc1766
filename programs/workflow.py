"""A program's life: one service function per transition, each recorded and announced.

    draft ──submit──> submitted ──approve──> approved ──start──> in progress ──complete──> completed
    revision <──request revision──┘  └──reject──> rejected     └──cancel──> cancelled <──┘
       └──────submit again──────> submitted

Approving re-checks every pledge against its need's remaining gap while the need rows are
locked, so two planners approving competing programs at once can never fund a need twice.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, permissions, transitions, versions
from planning.models import Need

from . import claims, commitments, notifications
from .models import Amendment, Program, ProgramTransition, Round
from .services import submission_problems

S = Program.Status
PLANNER, OFFICER, EITHER = permissions.PLANNER, permissions.OFFICER, permissions.EITHER

# (from, to) -> who may make the transition.
TRANSITIONS = transitions.Table(
    allowed={
        (S.DRAFT, S.SUBMITTED): OFFICER,
        (S.REVISION, S.SUBMITTED): OFFICER,
        (S.SUBMITTED, S.APPROVED): PLANNER,
        (S.SUBMITTED, S.REVISION): PLANNER,
        (S.SUBMITTED, S.REJECTED): PLANNER,
        (S.APPROVED, S.IN_PROGRESS): EITHER,
        (S.IN_PROGRESS, S.COMPLETED): EITHER,
        (S.APPROVED, S.CANCELLED): EITHER,
        (S.IN_PROGRESS, S.CANCELLED): EITHER,
    },
    record=ProgramTransition,
    company=lambda program: program.company_id,
    region=lambda program: program.plan.city.code,
    comment_required=frozenset({S.REVISION, S.REJECTED, S.CANCELLED}),
    comment_missing=gettext_lazy("Write a comment for the company: say what to change or why."),
    refused=dict.fromkeys(
        Program.Status.values,
        gettext_lazy("A program that is %(status)s cannot be moved to %(target)s."),
    ),
)
# Transitions into or out of the committed statuses: the company's commitments are counted
# again.
RECOUNTED = {
    to for frm, to in TRANSITIONS.allowed if (frm in Program.COMMITTED) != (to in Program.COMMITTED)
}
TransitionError = transitions.TransitionError


def _locked_transition(program: Program, to_status: str, *, by, comment: str = "") -> Program:
    """Lock the program, make the transition (checked and recorded). Inside a transaction."""
    program = Program.objects.select_for_update().select_related("company").get(pk=program.pk)
    TRANSITIONS.make(program, to_status, by=by, comment=comment)
    program.updated_by = by
    return program


def _locked_needs(
    program: Program, *, undelivered: bool = False
) -> tuple[dict[int, Need], dict[int, int]]:
    """The program's needs locked in primary-key order (no deadlock between two approvals),
    and the quantity the program pledges to each (with `undelivered`, only what its
    verified reports have not delivered yet)."""
    wanted: dict[int, int] = defaultdict(int)
    pledges = program.pledges.exclude(need=None).values_list(
        "need", "quantity", "delivered_quantity"
    )
    for need_id, quantity, delivered in pledges:
        wanted[need_id] += quantity - delivered if undelivered else quantity
    return lock_needs(wanted), wanted


def lock_needs(ids) -> dict[int, Need]:
    """The needs `ids` locked in primary-key order (no deadlock between two approvals, or an
    approval and an amendment)."""
    needs = Need.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk")
    return {need.pk: need for need in needs}


@transaction.atomic
def program_submit(*, program: Program, by) -> Program:
    """Send a draft or a revised program to the planners."""
    program = _locked_transition(program, S.SUBMITTED, by=by)
    if program.round_id:  # not while the round is being closed
        list(Round.objects.select_for_update().filter(pk=program.round_id).values("pk"))
    problems = submission_problems(program) + claims.submission_problems(program)
    if problems:
        raise ValidationError(problems)  # rolls the recorded transition back
    program.submitted_at = timezone.now()
    program.save(update_fields=["status", "submitted_at", "updated_by", "updated_at"])
    notifications.program_submitted(program)
    return program


@transaction.atomic
def _transition(program: Program, to_status: str, *, by, comment: str, adjust=None) -> Program:
    """Make the transition, let `adjust` update the needs under lock, save, and tell the
    company."""
    program = _locked_transition(program, to_status, by=by, comment=comment)
    if adjust:
        adjust(program)
    program.save(update_fields=["status", "updated_by", "updated_at"])
    _close_inapplicable_changes(program, by=by)
    if to_status in RECOUNTED:
        commitments.recount(program.company_id)
    notifications.program_decided(program, comment)
    return program


# The statuses in which an open change may still be applied, by who proposed it
# (programs.amendments: the company changes what runs; the planners steer what they review, or
# what runs).
APPLICABLE = {
    Amendment.Origin.COMPANY: Program.REPORTING,
    Amendment.Origin.PLANNERS: Program.STEERABLE,
}


def _close_inapplicable_changes(program: Program, *, by) -> None:
    """Open changes the program's new status leaves inapplicable are closed as returned, so
    that they never block a later proposal (one open change at a time)."""
    waiting = program.amendments.select_for_update().filter(status=Amendment.Status.PROPOSED)
    for amendment in waiting:
        if program.status in APPLICABLE[amendment.origin]:
            continue
        amendment.status = Amendment.Status.RETURNED
        amendment.decided_by = by
        amendment.decided_at = timezone.now()
        amendment.comment = _("Closed: the program is %(status)s now.") % {
            "status": program.get_status_display().lower()
        }
        amendment.save(update_fields=["status", "decided_by", "decided_at", "comment"])


def _count_pledges(program: Program) -> None:
    """Every pledge must still fit its need's remaining gap; then it counts toward the need,
    and the units it covers are taken."""
    needs, wanted = _locked_needs(program)
    if short := beyond_gaps(needs, wanted):
        raise ValidationError(short)
    claims.take(program)
    _shift_pledged(program, needs, wanted, sign=1)


def beyond_gaps(needs: dict[int, Need], more: dict[int, int], wording: str = "") -> list[str]:
    """What does not fit: `more[pk]` beyond the locked need's remaining gap, or more for a
    closed need. `wording` says it of what asks for more (default: a program to approve)."""
    wording = wording or _('"%(need)s" has %(gap)s %(unit)s left; this program pledges %(wanted)s.')
    short = [
        wording
        % {
            "need": need.title,
            "gap": need.gap,
            "unit": need.get_unit_display(),
            "wanted": more[pk],
        }
        for pk, need in needs.items()
        if more.get(pk, 0) > need.gap
    ]
    return short + [
        _('"%(need)s" is closed.') % {"need": need.title}
        for pk, need in needs.items()
        if more.get(pk, 0) > 0 and need.status != Need.Status.OPEN
    ]


def _release_pledges(program: Program) -> None:
    """What was delivered stays pledged (and delivered): only the rest goes back to the needs."""
    needs, wanted = _locked_needs(program, undelivered=True)
    _shift_pledged(program, needs, wanted, sign=-1)
    claims.give_back(program)


def _shift_pledged(program: Program, needs: dict[int, Need], wanted: dict[int, int], sign: int):
    shift_pledged(
        needs,
        {pk: sign * quantity for pk, quantity in wanted.items()},
        by=program.updated_by,
        data={"program": program.pk, "transition": program.status},
    )


def shift_pledged(needs: dict[int, Need], shifts: dict[int, int], *, by, data: dict) -> None:
    """Shift the locked needs' counters by `shifts` with F() and trace each shift (`data`
    names the program and why)."""
    shifts = {pk: shift for pk, shift in shifts.items() if shift}
    if not shifts:
        return
    versions.bump("needs")  # their gaps change (the companies' commitments: recount)
    for pk, shift in shifts.items():
        Need.objects.filter(pk=pk).update(pledged_quantity=F("pledged_quantity") + shift)
        before = needs[pk].pledged_quantity
        audit.record(
            needs[pk], by=by, changes={"pledged_quantity": (before, before + shift)}, data=data
        )


def program_approve(*, program: Program, by, comment: str = "") -> Program:
    """Approve: every pledge must still fit its need's remaining gap, checked under lock."""
    return _transition(program, S.APPROVED, by=by, comment=comment, adjust=_count_pledges)


def program_request_revision(*, program: Program, by, comment: str) -> Program:
    """Send the program back to the company; the comment says what to change."""
    return _transition(program, S.REVISION, by=by, comment=comment)


def program_reject(*, program: Program, by, comment: str) -> Program:
    """Refuse the program; the comment says why."""
    return _transition(program, S.REJECTED, by=by, comment=comment)


def program_start(*, program: Program, by, comment: str = "") -> Program:
    return _transition(program, S.IN_PROGRESS, by=by, comment=comment)


def _check_completion(program: Program, comment: str) -> None:
    """Not before the program starts; every pledge delivered (verified), or a planner who
    accepts the company's explanation of the shortfall in the comment."""
    if program.start_date and timezone.localdate() < program.start_date:
        raise ValidationError(
            _("The program starts on %(date)s: it cannot be completed before.")
            % {"date": formats.date_format(program.start_date)}
        )
    short = [
        f"{p.priority.code} {p.delivered_quantity}/{p.quantity}"
        for p in program.pledges.select_related("priority")
        if p.delivered_quantity < p.quantity
    ]
    if short and not (
        permissions.plans_in(program.updated_by, program.plan.city.code) and comment.strip()
    ):
        raise ValidationError(
            _(
                "Not every pledge is delivered (verified: %(lines)s). File the reports, or "
                "explain the shortfall in a final report: a planner may then complete the "
                "program, writing that the explanation is accepted."
            )
            % {"lines": "; ".join(short)}
        )


def program_complete(*, program: Program, by, comment: str = "") -> Program:
    """Completed: every pledge delivered, or, when some fall short, a planner's comment that
    accepts the company's explanation (usually given in its final report)."""
    return _transition(
        program,
        S.COMPLETED,
        by=by,
        comment=comment,
        adjust=lambda locked: _check_completion(locked, comment),
    )


def program_cancel(*, program: Program, by, comment: str) -> Program:
    """Cancel an approved or running program; its undelivered pledges no longer count."""
    return _transition(program, S.CANCELLED, by=by, comment=comment, adjust=_release_pledges)


# The service that makes each transition a page offers, by target status.
SERVICES = {
    S.APPROVED: program_approve,
    S.REVISION: program_request_revision,
    S.REJECTED: program_reject,
    S.IN_PROGRESS: program_start,
    S.COMPLETED: program_complete,
    S.CANCELLED: program_cancel,
}
