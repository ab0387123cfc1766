from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import DetailView
from django_filters.views import FilterView

from companies.models import Company
from core import concurrency, files, permissions, tenancy
from core.exports import ExportMixin
from core.forms import posted_id
from core.pagination import CappedPaginator, NeverPastTheEndMixin
from core.permissions import PlannerRequiredMixin
from core.tasks import run_later
from programs.views import get_program_for_user

from . import compliance, exports, services, tasks
from .filters import ComplianceFilter, ReportFilter
from .forms import (
    DecisionForm,
    EvidenceForm,
    ReportPeriodForm,
    report_forms,
)
from .models import Report


def get_report_for_user(request, pk) -> Report:
    """The report if the user may read it, else 404 (its existence is not revealed)."""
    reports = Report.objects.visible_to(request.user).select_related("program__company")
    return get_object_or_404(reports, pk=pk)


def get_editable_report(request, pk) -> Report:
    """404 to outsiders; 403 to those who may read it but not change it now."""
    report = get_report_for_user(request, pk)
    if not Report.objects.editable_by(request.user).filter(pk=report.pk).exists():
        raise PermissionDenied
    return report


def ticked_units(report: Report) -> list:
    """The units the report ticks, with what their pages name them by."""
    return list(report.units.select_related("claim__unit__need__village"))


class ReportListView(LoginRequiredMixin, ExportMixin, NeverPastTheEndMixin, FilterView):
    """Planners: the reports to verify first; officers: their companies' reports."""

    filterset_class = ReportFilter
    template_name = "delivery/report_list.html"
    context_object_name = "reports"
    paginate_by = 25
    paginator_class = CappedPaginator

    exports = {"reports": gettext_lazy("Reports")}

    def get_queryset(self):
        return Report.objects.visible_to(self.request.user).for_list()

    def export(self, kind, queryset):
        return exports.report_columns(self.request.build_absolute_uri), exports.report_rows(
            queryset
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}


class ReportCreateView(LoginRequiredMixin, View):
    """A company's officer starts the report of a period of an approved or running program."""

    template_name = "delivery/report_create.html"

    def get_program(self, request, program_pk):
        program = get_program_for_user(request, program_pk)
        if not permissions.can_report(request.user, program):
            raise PermissionDenied
        return program

    def get(self, request, program_pk):
        program = self.get_program(request, program_pk)
        return self.render(ReportPeriodForm(program=program), program)

    def post(self, request, program_pk):
        program = self.get_program(request, program_pk)
        form = ReportPeriodForm(request.POST, program=program)
        if form.is_valid():
            try:
                report = services.report_create(
                    program=program,
                    period_start=form.cleaned_data["start"],
                    period_end=form.cleaned_data["end"],
                    by=request.user,
                )
            except ValidationError as e:  # the model's checks name its own fields
                form.add_error(None, e.messages)
            else:
                messages.success(request, _("The report is started; fill in what was delivered."))
                return redirect("delivery:update", report.pk)
        return self.render(form, program)

    def render(self, form, program):
        return render(self.request, self.template_name, {"form": form, "program": program})


class ReportUpdateView(LoginRequiredMixin, View):
    """The report's figures and narrative: a draft, saved as often as needed."""

    template_name = "delivery/report_form.html"

    def get(self, request, pk):
        report = get_editable_report(request, pk)
        return self.render(report, report_forms(report))

    def post(self, request, pk):
        report = get_editable_report(request, pk)
        forms = report_forms(report, request.POST)
        if all(form.is_valid() for form in forms.values()):
            try:
                services.report_save(report=report, by=request.user, **forms)
            except concurrency.Stale as stale:
                forms["form"].refuse_stale(stale)
                return self.render(report, forms)
            except ValidationError as e:
                for problem in e.messages:
                    messages.error(request, problem)
            else:
                messages.success(request, _("The report is saved."))
            return redirect(report)
        return self.render(report, forms)

    def render(self, report, forms):
        return render(
            self.request, self.template_name, {"report": report, "program": report.program, **forms}
        )


class ReportDetailView(LoginRequiredMixin, DetailView):
    template_name = "delivery/report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return get_report_for_user(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        report, user = self.object, self.request.user
        editable = permissions.can_edit_report(user, report)
        decidable = user.is_planner and report.status == Report.Status.SUBMITTED
        units = ticked_units(report)
        return super().get_context_data(
            program=report.program,
            lines=list(report.lines.select_related("pledge__need__village", "pledge__priority")),
            output_lines=list(report.output_lines.select_related("output__indicator")),
            evidence=list(report.evidence.all()),
            transitions=list(report.transitions.select_related("by")),
            editable=editable,
            evidence_form=EvidenceForm(report=report) if editable else None,
            decision_form=DecisionForm(ticked=units) if decidable else None,
            units=units,
            **kwargs,
        )


class ReportTransitionView(LoginRequiredMixin, View):
    """Submit (the company), return or verify (a planner), through delivery.services."""

    SUCCESS = {
        Report.Status.SUBMITTED: gettext_lazy(
            "The report is submitted; the planners verify it. It is read-only until then."
        ),
        Report.Status.RETURNED: gettext_lazy("The report is returned to the company."),
        Report.Status.VERIFIED: gettext_lazy(
            "The report is verified: its quantities now count as delivered."
        ),
    }

    def post(self, request, pk, to):
        report = get_report_for_user(request, pk)
        comment = request.POST.get("comment", "")
        try:
            if to == Report.Status.SUBMITTED:
                services.report_submit(report=report, by=request.user)
            elif to == Report.Status.RETURNED:
                services.report_return(report=report, by=request.user, comment=comment)
            elif to == Report.Status.VERIFIED:
                form = DecisionForm(request.POST, ticked=ticked_units(report))
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                returned = form.cleaned_data.get("returned_units", [])
                services.report_verify(
                    report=report, by=request.user, comment=comment, returned_units=returned
                )
            else:
                raise Http404
        except ValidationError as e:
            for problem in e.messages:
                messages.error(request, problem)
        else:
            messages.success(request, self.SUCCESS[to])
        return redirect(report)


class EvidenceUploadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        report = get_editable_report(request, pk)
        form = EvidenceForm(request.POST, request.FILES, report=report)
        if form.is_valid():
            try:
                services.evidence_add(report=report, form=form, by=request.user)
            except ValidationError as e:
                messages.error(request, " ".join(e.messages))
            else:
                messages.success(request, _("The evidence is added."))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(report)


class EvidenceDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk, evidence_pk):
        report = get_editable_report(request, pk)
        evidence = get_object_or_404(report.evidence, pk=evidence_pk)
        try:
            services.evidence_delete(evidence=evidence)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("The evidence is removed."))
        return redirect(report)


@login_required
@require_safe
def evidence_download(request, pk, evidence_pk):
    """Evidence only to those who may read its report; photos as their re-encoded copy."""
    report = get_report_for_user(request, pk)
    evidence = get_object_or_404(report.evidence, pk=evidence_pk)
    return files.serve(evidence, request.GET.get("size"))


class ComplianceView(LoginRequiredMixin, ExportMixin, NeverPastTheEndMixin, FilterView):
    """Reporting compliance per company (delivery.compliance): planners see every company,
    an officer only their own."""

    filterset_class = ComplianceFilter
    template_name = "delivery/compliance.html"
    context_object_name = "rows"
    paginate_by = 50
    exports = {"compliance": gettext_lazy("Reporting compliance")}

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (
            permissions.sees_all_companies(user) or permissions.officer_companies(user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        if permissions.sees_all_companies(self.request.user):  # those the region follows
            return compliance.region_companies().order_by("name")
        return Company.objects.filter(permissions.of_own_companies(self.request.user, "pk"))

    def rows(self, filterset) -> list:
        return filterset.rows(everyone=permissions.sees_all_companies(self.request.user))

    def export(self, kind, queryset):
        return exports.compliance_columns(), self.rows(self.get_filterset(self.filterset_class))

    def get_context_data(self, **kwargs):
        kwargs["object_list"] = self.rows(self.filterset)
        context = super().get_context_data(may_remind=self.request.user.is_planner, **kwargs)
        filterset = self.filterset
        data = filterset.form.cleaned_data if filterset.is_valid() else {}
        named = data.get("company") or data.get("slug")
        if permissions.sees_all_companies(self.request.user) and named:
            # The companies asked for by name, their missing reports listed; on the whole
            # list a row's list is fetched when it is opened (its link asks for its company).
            context["rows"] = compliance.with_details(context["rows"])
        return context


class ComplianceRemindView(PlannerRequiredMixin, View):
    """Email the officers of one company (`company`), or of every company with missing
    reports, the list of what they have not filed."""

    def post(self, request):
        company = request.POST.get("company", "")
        if company:
            self.remind_one(request, company)
        else:
            self.remind_all(request)
        return redirect("delivery:compliance")

    def remind_one(self, request, company: str) -> None:
        if (company_id := posted_id(company)) is None:
            raise Http404
        missing = [
            row
            for row in compliance.by_company(Company.objects.filter(pk=company_id))
            if row.missing
        ]
        officers = sum(
            compliance.remind_missing(compliance=row, by=request.user) for row in missing
        )
        if not officers:
            return self.nobody(request, missing=bool(missing))
        messages.success(
            request,
            ngettext(
                "%(count)s officer of %(company)s is reminded.",
                "%(count)s officers of %(company)s are reminded.",
                officers,
            )
            % {"count": officers, "company": missing[0].company.name},
        )

    def remind_all(self, request) -> None:
        """Thousands of companies are reminded by the task queue's worker, not in the request."""
        missing, pending = compliance.reminders_due(timezone.localdate())
        if not pending:
            return self.nobody(request, missing=bool(missing))
        run_later(tasks.remind_missing_reports, request.user.pk, tenancy.current_code())
        messages.success(
            request,
            ngettext(
                "The officers of %(companies)s company with missing reports are being "
                "reminded; the list shows when.",
                "The officers of %(companies)s companies with missing reports are being "
                "reminded; the list shows when.",
                pending,
            )
            % {"companies": pending},
        )

    def nobody(self, request, *, missing: bool) -> None:
        if missing:
            messages.info(request, _("Every officer concerned was already reminded today."))
        else:
            messages.info(request, _("No report is missing: nobody to remind."))
