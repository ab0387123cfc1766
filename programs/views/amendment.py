"""A running program's changes: proposed by its company, decided by the region's planners
(programs.amendments)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from core import concurrency, permissions

from .. import amendments
from ..forms import AmendmentForm, SteerForm
from ..models import Amendment
from .program import ProgramFormView, get_program_for_user


def get_amendment(request, pk, amendment_pk) -> Amendment:
    """The amendment of a program the user may read, else 404."""
    program = get_program_for_user(request, pk)
    amendment = get_object_or_404(
        program.amendments.select_related("proposed_by", "decided_by"), pk=amendment_pk
    )
    amendment.program = program
    return amendment


def waiting_change(request, program) -> Amendment | None:
    """The program's open change, if any, announced: one change at a time."""
    waiting = program.amendments.filter(status=Amendment.Status.PROPOSED).first()
    if waiting:
        messages.info(
            request,
            _(
                "This program already has a change awaiting a decision: withdraw it first to "
                "propose another."
            ),
        )
    return waiting


class AmendmentFormView(ProgramFormView):
    """The program form, filled with the program as it is, for the company to propose what it
    should become and why."""

    form_class = AmendmentForm

    def setup_program(self, request, pk):
        program = get_program_for_user(request, pk)
        if not permissions.can_amend_program(request.user, program):
            raise PermissionDenied
        return program, program.plan

    def get(self, request, pk=None):
        program, _plan = self.setup_program(request, pk)
        if waiting := waiting_change(request, program):
            return redirect(waiting)
        return super().get(request, pk)

    def post(self, request, pk=None):
        program, plan = self.setup_program(request, pk)
        company_id = program.company_id
        form = AmendmentForm(request.POST, instance=program, plan=plan, company_id=company_id)
        formsets = self.formsets(program, plan, company_id, request.POST)
        form.watch(*formsets.values())
        if form.is_valid() and all(f.is_valid() for f in formsets.values()):
            try:
                amendment = amendments.amendment_propose(
                    program=program,
                    proposed=amendments.proposed_from(form, formsets.values()),
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    check_version=form.check_version,
                )
            except concurrency.Stale as stale:
                form.refuse_stale(stale)
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(
                    request,
                    _(
                        "The change is proposed. The program stays as it is until the planners approve it."
                    ),
                )
                return redirect(amendment)
        return self.render(form, formsets, program)

    def render(self, form, formsets, program, **context):
        return super().render(form, formsets, program, amending=True, **context)


class AmendmentDetailView(LoginRequiredMixin, DetailView):
    """A change side by side with the program as it was, and its decision."""

    template_name = "programs/amendment_detail.html"
    context_object_name = "amendment"

    def get_object(self, queryset=None):
        return get_amendment(self.request, self.kwargs["pk"], self.kwargs["amendment_pk"])

    def get_context_data(self, **kwargs):
        amendment, user = self.object, self.request.user
        program = amendment.program
        decides = amendment.is_open and permissions.decides_amendment(user, amendment, program)
        return super().get_context_data(
            program=program,
            differences=amendments.differences(amendment),
            decides=decides,
            withdraws=amendment.is_open
            and permissions.withdraws_amendment(user, amendment, program),
            checks=amendments.checks(amendment, program) if decides else [],
            **kwargs,
        )


class AmendmentDecisionView(LoginRequiredMixin, View):
    """Approve or return a change (the region's planners), or withdraw it (the company)."""

    SUCCESS = {
        "accept": gettext_lazy("The proposal is accepted: the program now reads as proposed."),
        "decline": gettext_lazy("The proposal is declined; the program stays as it was."),
        "approve": gettext_lazy("The change is approved: the program now reads as proposed."),
        "return": gettext_lazy(
            "The change is returned to the company; the program stays as it was."
        ),
        "withdraw": gettext_lazy("The change is withdrawn; the program stays as it was."),
    }

    def post(self, request, pk, amendment_pk, decision):
        amendment = get_amendment(request, pk, amendment_pk)
        service = amendments.DECISIONS.get(decision)
        if service is None:
            raise Http404
        program = amendment.program
        if decision == "withdraw":
            allowed = permissions.withdraws_amendment(request.user, amendment, program)
        else:
            allowed = permissions.decides_amendment(request.user, amendment, program)
        if not allowed:
            raise PermissionDenied
        arguments = {"amendment": amendment, "by": request.user}
        if decision != "withdraw":
            arguments["comment"] = request.POST.get("comment", "")
        try:
            service(**arguments)
        except ValidationError as e:
            for problem in e.messages:
                messages.error(request, problem)
        else:
            said = {"approve": "accept", "return": "decline"} if amendment.is_steering else {}
            messages.success(request, self.SUCCESS[said.get(decision, decision)])
        return redirect(amendment)


class PledgeSteerView(LoginRequiredMixin, View):
    """The region's planners propose to move one pledge of a program they review (or that
    runs) to other needs of its priority, left-behind kelurahan offered first."""

    template_name = "programs/pledge_steer.html"

    def setup_pledge(self, request, pk, pledge_pk):
        program = get_program_for_user(request, pk)
        if not permissions.can_steer(request.user, program):
            raise PermissionDenied
        pledge = get_object_or_404(
            program.pledges.select_related("priority", "need__village"), pk=pledge_pk
        )
        pledge.program = program
        return program, pledge

    def get(self, request, pk, pledge_pk):
        program, pledge = self.setup_pledge(request, pk, pledge_pk)
        if waiting := waiting_change(request, program):
            return redirect(waiting)
        return self.render(program, pledge, SteerForm(pledge=pledge))

    def post(self, request, pk, pledge_pk):
        program, pledge = self.setup_pledge(request, pk, pledge_pk)
        form = SteerForm(request.POST, pledge=pledge)
        if form.is_valid():
            try:
                amendment = amendments.amendment_steer(
                    program=program,
                    pledge_id=pledge.pk,
                    moves=form.cleaned_data["moves"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(
                    request,
                    _("The proposal is sent to the company: it accepts or declines it."),
                )
                return redirect(amendment)
        return self.render(program, pledge, form)

    def render(self, program, pledge, form):
        return render(
            self.request, self.template_name, {"program": program, "pledge": pledge, "form": form}
        )
