"""A program's pages: the inbox, its page, its form, its transitions, its history."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from companies.models import Company
from core import concurrency, permissions
from core.db import counted
from core.exports import ExportMixin
from core.forms import posted_id
from core.pagination import CappedPaginator, NeverPastTheEndMixin
from core.views import HistoryView
from planning.models import DevelopmentPlan, TargetUnit

from .. import exports, matching, services, workflow
from ..filters import ProgramFilter
from ..forms import (
    AttachmentForm,
    OutputFormSet,
    PartnerFormSet,
    PledgeFormSet,
    ProgramForm,
)
from ..models import (
    Amendment,
    Attachment,
    Pledge,
    Program,
    ProgramOutput,
    ProgramPartner,
    UnitClaim,
)


def get_program_for_user(request, pk) -> Program:
    """The program if the user may read it, else 404 (its existence is not revealed)."""
    return get_object_or_404(
        Program.objects.visible_to(request.user).select_related("company", "plan__city"), pk=pk
    )


def get_editable_program(request, pk) -> Program:
    """404 to outsiders; 403 to those who may read it but not change it now."""
    program = get_program_for_user(request, pk)
    if not Program.objects.editable_by(request.user).filter(pk=program.pk).exists():
        raise PermissionDenied
    return program


class ProgramListView(LoginRequiredMixin, ExportMixin, NeverPastTheEndMixin, FilterView):
    """The planners' inbox and the officers' "my company's programs": one list, scoped per user.

    Filters live in the URL (bookmark and share a view); with htmx only the results are
    re-rendered and the URL is pushed, so the back button still works.
    """

    filterset_class = ProgramFilter
    template_name = "programs/program_list.html"
    context_object_name = "programs"
    paginate_by = 25
    paginator_class = CappedPaginator

    exports = {"programs": gettext_lazy("Programs"), "pledges": gettext_lazy("Pledges")}

    def get_queryset(self):
        return Program.objects.visible_to(self.request.user).for_list()

    def export(self, kind, queryset):
        if kind == "pledges":
            return exports.pledge_columns(), exports.pledge_rows(queryset)
        return exports.program_columns(self.request.build_absolute_uri), exports.program_rows(
            queryset
        )

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "user": self.request.user,
            "plan": DevelopmentPlan.objects.current(),
        }

    def get_template_names(self):
        htmx = self.request.htmx
        if htmx and not htmx.history_restore_request:
            return ["programs/includes/_program_results.html"]
        return [self.template_name]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response


class ProgramDetailView(LoginRequiredMixin, DetailView):
    template_name = "programs/program_detail.html"
    context_object_name = "program"

    def get_object(self, queryset=None):
        return get_program_for_user(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        program, user = self.object, self.request.user
        editable = permissions.can_edit_program(user, program)
        pledges = list(
            program.pledges.select_related("priority", "need__village").annotate(
                picked=counted(UnitClaim.objects.filter(pledge=OuterRef("pk"))),
                need_units=counted(TargetUnit.objects.filter(need=OuterRef("need"))),
            )
        )
        villages = list(program.villages.select_related("parent").order_by("code"))
        village_ids = {village.pk for village in villages}
        for pledge in pledges:
            pledge.outside = pledge.lies_outside(village_ids)
        planner_view = {}
        if user.is_planner:
            planner_view = {
                "ring_villages": list(program.company.operating_villages.select_related("village")),
                "other_programs": list(
                    Program.objects.visible_to(user)
                    .filter(company=program.company_id)
                    .exclude(pk=program.pk)
                    .order_by("-updated_at")[:10]
                ),
            }
        if user.is_planner or editable:
            planner_view["suggested_needs"] = matching.suggested_needs(program)
        amendments = list(
            program.amendments.only("status", "origin", "reason", "proposed_at", "program")
        )
        waiting = next((amendment for amendment in amendments if amendment.is_open), None)
        return super().get_context_data(
            **planner_view,
            pledges=pledges,
            pledged_total=sum(p.amount for p in pledges),
            spent_total=sum(p.spent_amount for p in pledges),
            partners=list(program.partners.select_related("company")),
            villages=villages,
            attachments=list(program.attachments.all()),
            transitions=list(program.transitions.select_related("by")),
            editable=editable,
            attachment_form=AttachmentForm() if editable else None,
            warnings=services.pledge_warnings(program) if editable else [],
            problems=services.submission_problems(program) if editable else [],
            targets=workflow.TRANSITIONS.targets(program, user),
            amendments=amendments,
            open_amendment=waiting,
            can_amend=permissions.can_amend_program(user, program),
            can_steer=waiting is None and permissions.can_steer(user, program),
            decides_waiting=waiting and permissions.decides_amendment(user, waiting, program),
            **kwargs,
        )


class ProgramFormView(LoginRequiredMixin, View):
    """Create or edit a draft program with its pledges in one form, saved in one transaction."""

    template_name = "programs/program_form.html"
    form_class = ProgramForm

    def setup_program(self, request, pk):
        if pk is None:
            if not permissions.officer_companies(request.user):
                raise PermissionDenied
            plan = DevelopmentPlan.objects.current()
            if plan is None:
                raise Http404(_("No development plan has been entered yet."))
            return Program(plan=plan), plan
        program = get_editable_program(request, pk)
        return program, program.plan

    def formsets(self, program, plan, company_id, data=None) -> dict:
        return {
            "formset": PledgeFormSet(data, instance=program, plan=plan, company_id=company_id),
            "outputs": OutputFormSet(data, instance=program, plan=plan, company_id=company_id),
            "partners": PartnerFormSet(data, instance=program, company_id=company_id),
        }

    def get(self, request, pk=None):
        program, plan = self.setup_program(request, pk)
        company_id = self.company_id(request, program)
        initial = {"round": request.GET.get("round")} if program.pk is None else {}
        form = self.form_class(instance=program, plan=plan, company_id=company_id, initial=initial)
        formsets = self.formsets(program, plan, company_id)
        form.watch(*formsets.values())
        return self.render(form, formsets, program)

    def post(self, request, pk=None):
        program, plan = self.setup_program(request, pk)
        company_id = self.company_id(request, program)
        form = ProgramForm(request.POST, instance=program, plan=plan, company_id=company_id)
        formsets = self.formsets(program, plan, company_id, request.POST)
        form.watch(*formsets.values())
        if form.is_valid() and all(f.is_valid() for f in formsets.values()):
            company = program.company if program.pk else Company.objects.get(pk=company_id)
            try:
                program = services.program_save_draft(
                    form=form, formsets=list(formsets.values()), company=company, by=request.user
                )
            except concurrency.Stale as stale:
                form.refuse_stale(stale)
                return self.render(form, formsets, program)
            except ValidationError as e:
                for problem in e.messages:
                    messages.error(request, problem)
                return redirect(program)
            messages.success(request, _("The draft is saved. You can come back to it at any time."))
            for warning in services.pledge_warnings(program):
                messages.warning(request, warning)
            return redirect(program)
        return self.render(form, formsets, program)

    def company_id(self, request, program) -> int:
        """An officer acting for several companies creates a program for the one the link
        names (?company=, e.g. from a round's invitation), else for the first."""
        if program.pk:
            return program.company_id
        asked = posted_id(request.GET.get("company", ""))
        if permissions.is_officer_of(request.user, asked):
            return asked
        return permissions.officer_companies(request.user)[0]

    def render(self, form, formsets, program, **context):
        return render(
            self.request,
            self.template_name,
            {"form": form, "program": program, **formsets, **context},
        )


class ProgramTransitionView(LoginRequiredMixin, View):
    """Every status change of a program, through its service in programs.workflow."""

    SUCCESS = {
        Program.Status.SUBMITTED: gettext_lazy(
            "The program is submitted to the planners. It stays "
            "read-only until they decide or ask for a revision."
        ),
        Program.Status.APPROVED: gettext_lazy(
            "The program is approved; its pledges now count toward the needs."
        ),
        Program.Status.REVISION: gettext_lazy(
            "The program is sent back to the company for revision."
        ),
        Program.Status.REJECTED: gettext_lazy("The program is rejected."),
        Program.Status.IN_PROGRESS: gettext_lazy("The program is marked as started."),
        Program.Status.COMPLETED: gettext_lazy("The program is marked as completed."),
        Program.Status.CANCELLED: gettext_lazy(
            "The program is cancelled; its pledges no longer count."
        ),
    }

    def post(self, request, pk, to):
        program = get_program_for_user(request, pk)
        comment = request.POST.get("comment", "")
        try:
            if to == Program.Status.SUBMITTED:
                workflow.program_submit(program=program, by=request.user)
            elif to in workflow.SERVICES:
                workflow.SERVICES[to](program=program, by=request.user, comment=comment)
            else:
                raise Http404
        except ValidationError as e:  # a transition refused, or one of its checks
            for problem in e.messages:
                messages.error(request, problem)
        else:
            messages.success(request, self.SUCCESS[to])
        return redirect(program)


class ProgramHistoryView(LoginRequiredMixin, HistoryView):
    """Every recorded change of a program, its pledges and its files, for whoever may read it."""

    # Reports live in the delivery app, above this one: named, not imported.
    parts = (
        Pledge,
        Amendment,
        Attachment,
        ProgramOutput,
        ProgramPartner,
        "delivery.Report",
        "delivery.ReportLine",
        "delivery.OutputLine",
        "delivery.Evidence",
    )
    back = ("programs:list", gettext_lazy("CSR programs"))
    intro = gettext_lazy(
        "Every change of this program, its pledges and its files, with who made it and when. "
        "Entries cannot be changed or deleted."
    )

    def get_object(self, queryset=None):
        return get_program_for_user(self.request, self.kwargs["pk"])
