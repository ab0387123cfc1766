from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView
from django_filters.views import FilterView

from core import concurrency
from core.exports import ExportMixin
from core.pagination import NeverPastTheEndMixin
from core.permissions import PlannerRequiredMixin, ReaderRequiredMixin
from core.spreadsheets import SpreadsheetError, read_table
from core.uploads import display_name
from core.views import HistoryView
from regions.models import Region

from . import exports, services
from .filters import NeedFilter
from .forms import NeedForm, NeedImportForm, UnitImportForm
from .imports import MAX_ROWS, ImportFileError
from .models import DevelopmentPlan, Need, NeedImport
from .spreadsheets import need_template_workbook
from .unit_imports import protect_table

PREVIEW_ROWS_SHOWN = 200


class CurrentPlanMixin:
    """Pages of the city's current development plan; 404 until one exists."""

    @cached_property
    def plan(self) -> DevelopmentPlan:
        plan = DevelopmentPlan.objects.current()
        if plan is None:
            raise Http404(_("No development plan has been entered yet."))
        return plan

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, **kwargs)


class PriorityListView(LoginRequiredMixin, CurrentPlanMixin, ListView):
    template_name = "planning/priority_list.html"
    context_object_name = "priorities"

    def get_queryset(self):
        return self.plan.priorities.with_coverage().order_by("code")


class PriorityDetailView(LoginRequiredMixin, CurrentPlanMixin, DetailView):
    template_name = "planning/priority_detail.html"
    context_object_name = "priority"

    def get_object(self, queryset=None):
        return get_object_or_404(self.plan.priorities.with_coverage(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        needs = Need.objects.visible_to(self.request.user).filter(priority=self.object)
        by_village, by_district = needs.coverage_by_place()
        return super().get_context_data(
            by_village=by_village,
            by_district=by_district,
            year_targets=list(self.object.year_targets.all()),
            **kwargs,
        )


class NeedListView(
    LoginRequiredMixin, ExportMixin, NeverPastTheEndMixin, CurrentPlanMixin, FilterView
):
    filterset_class = NeedFilter
    template_name = "planning/need_list.html"
    context_object_name = "needs"
    paginate_by = 50
    exports = {"needs": gettext_lazy("Needs")}

    def get_queryset(self):
        return (
            Need.objects.visible_to(self.request.user)
            .filter(priority__plan=self.plan)
            .for_list()
            .order_by("-gap_value", "-pk")
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "plan": self.plan}

    def export(self, kind, queryset):
        return exports.need_columns(), exports.need_rows(queryset)


class NeedDetailView(LoginRequiredMixin, DetailView):
    template_name = "planning/need_detail.html"
    context_object_name = "need"

    def get_object(self, queryset=None):
        needs = Need.objects.visible_to(self.request.user).select_related(
            "priority__plan", "village__parent", "created_by"
        )
        return get_object_or_404(needs, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(unit_count=self.object.units.count(), **kwargs)


class NeedHistoryView(ReaderRequiredMixin, HistoryView):
    """Every recorded change of a need: edits, imports and each approval's pledges."""

    back = ("planning:need_list", gettext_lazy("Needs"))
    intro = gettext_lazy(
        "Every change of this need: edits, imports, and each approval or cancellation that "
        "moved its pledged quantity. Entries cannot be changed or deleted."
    )

    def get_object(self, queryset=None):
        return get_object_or_404(Need.objects.visible_to(self.request.user), pk=self.kwargs["pk"])


class NeedFormMixin(PlannerRequiredMixin, CurrentPlanMixin):
    model = Need
    form_class = NeedForm
    template_name = "planning/need_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan}

    def form_valid(self, form):
        try:
            self.object = services.need_save(
                need=form.save(commit=False),
                by=self.request.user,
                fields=form.changed_data,
                form=form,
            )
        except concurrency.Stale as stale:
            form.refuse_stale(stale)
            return self.form_invalid(form)
        except ValidationError as e:
            form.add_error(None, e)
            return self.form_invalid(form)
        messages.success(self.request, _("The need was saved."))
        return redirect(self.object)


class NeedCreateView(NeedFormMixin, CreateView):
    pass


class NeedUpdateView(NeedFormMixin, UpdateView):
    def get_queryset(self):
        return Need.objects.filter(priority__plan=self.plan).select_related("priority__plan__city")


class NeedStatusView(PlannerRequiredMixin, View):
    def post(self, request, pk):
        need = get_object_or_404(Need.objects.visible_to(request.user), pk=pk)
        status = request.POST.get("status")
        if status not in Need.Status.values:
            messages.error(request, _("Choose whether to close the need or open it again."))
            return redirect(need)
        try:
            services.need_set_status(need=need, status=status, by=request.user)
        except ValidationError as e:
            for problem in e.messages:
                messages.error(request, problem)
            return redirect(need)
        if status == Need.Status.CLOSED:
            messages.success(request, _("The need is closed: no more pledges toward it."))
        else:
            messages.success(request, _("The need is open again."))
        return redirect(need)


class NeedImportView(PlannerRequiredMixin, CurrentPlanMixin, View):
    """Upload a spreadsheet: read once, checked row by row, kept; nothing is written yet."""

    template_name = "planning/need_import_form.html"
    kinds = [NeedImport.Kind.NEEDS]

    def get_form(self, data=None, files=None):
        return NeedImportForm(data, files)

    def get(self, request):
        return self.render(self.get_form())

    def post(self, request):
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            kind = form.cleaned_data.get("kind", NeedImport.Kind.NEEDS)
            need_import = NeedImport(
                plan=self.plan,
                kind=kind,
                priority=form.cleaned_data.get("priority"),
                original_name=display_name(upload.name),
                uploaded_by=request.user,
            )
            try:
                table = read_table(upload.read(), upload.name, max_rows=MAX_ROWS)
                table = protect_table(table, kind, self.plan.city.code)
                preview = services.check_import(need_import, table)
            except (SpreadsheetError, ImportFileError) as e:
                form.add_error("file", str(e))
            except ImproperlyConfigured:  # no NIK_HASH_KEY: core.identity
                form.add_error(
                    "file",
                    _("Households cannot be imported until the administrator sets NIK_HASH_KEY."),
                )
            else:
                if kind != NeedImport.Kind.HOUSEHOLDS:  # a register of people is not kept
                    upload.seek(0)
                    need_import.file = upload
                need_import.row_count = len(preview.rows)
                need_import.error_count = preview.error_count
                need_import.table, need_import.preview = table, preview.as_json()
                need_import.save()
                return redirect(need_import)
        return self.render(form)

    def render(self, form):
        recent = NeedImport.objects.filter(plan=self.plan, kind__in=self.kinds)
        recent = recent.select_related("uploaded_by").defer("table", "preview")[:10]
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "plan": self.plan,
                "recent_imports": recent,
                # The help's example: a real village of the region ("36.72.04.1002 or Tegal Ratu").
                "example": Region.objects.villages()
                .within(self.plan.city)
                .order_by("code")
                .first(),
            },
        )


class UnitImportView(NeedImportView):
    """Upload a register's households or schools for a priority's needs (planning.unit_imports)."""

    template_name = "planning/unit_import_form.html"
    kinds = [NeedImport.Kind.HOUSEHOLDS, NeedImport.Kind.SCHOOLS]

    def get_form(self, data=None, files=None):
        if data is not None:  # an upload: the cells of stale previews go first
            services.forget_household_cells()
        return UnitImportForm(data, files, plan=self.plan)


class NeedImportDetailView(PlannerRequiredMixin, View):
    """The dry run kept with an upload; POST imports its rows without errors.

    When rows have errors, the planner confirms that they are skipped. The kept cells are
    checked again against the plan as it is at that moment: if the outcome changed (a need
    was pledged, a priority removed), the new preview is shown instead of importing.
    """

    def get(self, request, pk):
        # The kept cells can run to megabytes: showing the preview needs only the preview.
        imports = NeedImport.objects.in_region().select_related("plan").defer("table")
        return self.render(get_object_or_404(imports, pk=pk))

    def post(self, request, pk):
        need_import = get_object_or_404(NeedImport.objects.in_region().defer("table"), pk=pk)
        outcome = services.need_import_confirm(
            need_import=need_import,
            by=request.user,
            skip_errors=bool(request.POST.get("skip_errors")),
        )
        if not outcome.imported:
            messages.add_message(request, outcome.level, outcome.message)
            return redirect(need_import)
        messages.success(request, outcome.message)
        if need_import.kind != NeedImport.Kind.NEEDS:
            return redirect(need_import.priority)
        return redirect("planning:need_list")

    def render(self, need_import):
        rows = need_import.preview.get("rows", [])
        # Uploads kept before previews were (and empty ones) show zeros, not an error.
        counts = dict.fromkeys(
            ["create", "update", "unchanged", "matched", "rows_with_errors", "errors"], 0
        )
        units = need_import.kind != NeedImport.Kind.NEEDS
        return render(
            self.request,
            "planning/unit_import_detail.html" if units else "planning/need_import_detail.html",
            {
                "need_import": need_import,
                "preview": need_import.preview,
                "counts": {**counts, **need_import.preview.get("counts", {})},
                "error_rows": [row for row in rows if row["errors"]][:PREVIEW_ROWS_SHOWN],
                "rows_shown": rows[:PREVIEW_ROWS_SHOWN],
                "rows_hidden": max(0, len(rows) - PREVIEW_ROWS_SHOWN),
            },
        )


class NeedImportTemplateView(PlannerRequiredMixin, CurrentPlanMixin, View):
    def get(self, request):
        response = HttpResponse(
            need_template_workbook(self.plan),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="template-kebutuhan.xlsx"'
        return response
