"""A company's CSR strategy: its strategic plans and consultations, kept by its officers, read
by the planners of the regions they touch (programs.models.strategy)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView

from companies.models import Company
from core import audit, concurrency, files, permissions, tenancy
from core.forms import posted_id
from regions.models import Region

from .. import strategy
from ..forms import ConsultationForm, PlanBudgetFormSet, StrategicPlanForm, StrategyFileForm
from ..models import Consultation, Program, StrategicPlan, StrategyFile

# What a list shows at most of each kind (the newest first).
LISTED = 100


class StrategyListView(LoginRequiredMixin, TemplateView):
    """The strategic plans and consultations the user may read here: an officer's companies',
    a planner's region's."""

    template_name = "programs/strategy_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        plans = StrategicPlan.objects.visible_to(user).select_related("company")
        consultations = Consultation.objects.visible_to(user).select_related("company")
        return super().get_context_data(
            plans=list(plans.order_by("-first_year", "company__name")[:LISTED]),
            consultations=list(
                consultations.prefetch_related(
                    Prefetch("villages", queryset=Region.objects.order_by("name"))
                ).order_by("-held_on", "-pk")[:LISTED]
            ),
            companies=Company.objects.filter(pk__in=permissions.officer_companies(user)),
            **kwargs,
        )


class StrategicPlanDetailView(LoginRequiredMixin, DetailView):
    template_name = "programs/strategic_plan_detail.html"
    context_object_name = "plan"

    def get_object(self, queryset=None):
        return get_object_or_404(
            StrategicPlan.objects.visible_to(self.request.user).select_related("company"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        plan, user = self.object, self.request.user
        return super().get_context_data(
            budgets=list(plan.budgets.all()),
            villages=list(plan.villages.select_related("parent").order_by("code")),
            programs=list(Program.objects.visible_to(user).filter(strategic_plan=plan)[:LISTED]),
            consultations=list(Consultation.objects.visible_to(user).filter(plan=plan)[:LISTED]),
            documents=list(plan.files.all()),
            can_edit=permissions.can_edit_strategy(user, plan),
            **kwargs,
        )


class ConsultationDetailView(LoginRequiredMixin, DetailView):
    template_name = "programs/consultation_detail.html"
    context_object_name = "consultation"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Consultation.objects.visible_to(self.request.user).select_related("company", "plan"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        consultation, user = self.object, self.request.user
        names = permissions.sees_participants(user, consultation)
        if names and consultation.participant_names:
            # Personal data: every view of it is in the audit trail.
            audit.record(
                consultation,
                by=user,
                changes={},
                action=audit.Action.ACCESS,
                data={"event": "participants_viewed", "region": tenancy.current_code()},
            )
        return super().get_context_data(
            villages=list(consultation.villages.select_related("parent").order_by("code")),
            programs=list(Program.objects.visible_to(user).filter(consultations=consultation)),
            # Minutes carry the attendance list: for those who see the names only.
            documents=list(consultation.files.all()) if names else [],
            sees_names=names,
            can_edit=permissions.can_edit_strategy(user, consultation),
            **kwargs,
        )


class StrategyFormView(LoginRequiredMixin, View):
    """Create or change a strategic plan or a consultation (the company's officers), with a
    document to add and documents to remove, in one transaction."""

    model: type = StrategicPlan
    form_class: type = StrategicPlanForm
    template_name = ""
    saved = ""

    def setup_item(self, request, pk):
        if pk is None:
            companies = permissions.officer_companies(request.user)
            if not companies:
                raise PermissionDenied
            asked = posted_id(request.GET.get("company", ""))
            company_id = asked if permissions.is_officer_of(request.user, asked) else companies[0]
            return self.model(company=Company.objects.get(pk=company_id))
        item = get_object_or_404(
            self.model.objects.visible_to(request.user).select_related("company"), pk=pk
        )
        if not permissions.can_edit_strategy(request.user, item):
            raise PermissionDenied
        return item

    def regions(self, item) -> list[Region]:
        """The regencies and cities whose villages are offered: where the company works, the
        request's, and those of the villages already chosen."""
        codes = {tenancy.current_code(), *Company.objects.filter(pk=item.company_id).region_codes()}
        if item.pk:
            codes |= {code[:5] for code in item.villages.values_list("code", flat=True)}
        return list(
            Region.objects.filter(level=Region.Level.REGENCY, code__in=codes).order_by("name")
        )

    def forms(self, item, data=None, upload=None) -> tuple:
        form = self.form_class(
            data, instance=item, company=item.company, regions=self.regions(item)
        )
        formsets = self.formsets(item, data)
        form.watch(*formsets)
        return form, formsets, StrategyFileForm(data, upload, prefix="document")

    def formsets(self, item, data) -> list:
        return []

    def get(self, request, pk=None):
        item = self.setup_item(request, pk)
        return self.render(item, *self.forms(item))

    def post(self, request, pk=None):
        item = self.setup_item(request, pk)
        form, formsets, upload = self.forms(item, request.POST, request.FILES)
        if form.is_valid() and all(f.is_valid() for f in formsets) and upload.is_valid():
            try:
                saved = strategy.strategy_save(
                    form=form, formsets=formsets, upload=upload, by=request.user
                )
            except concurrency.Stale as stale:
                form.refuse_stale(stale)
            else:
                messages.success(request, self.saved)
                return redirect(saved)
        return self.render(item, form, formsets, upload)

    def render(self, item, form, formsets, upload):
        return render(
            self.request,
            self.template_name,
            {
                "item": item,
                "form": form,
                "upload": upload,
                **{formset.prefix: formset for formset in formsets},
            },
        )


class StrategicPlanFormView(StrategyFormView):
    model = StrategicPlan
    form_class = StrategicPlanForm
    template_name = "programs/strategic_plan_form.html"
    saved = gettext_lazy("The strategic plan is saved.")

    def formsets(self, item, data) -> list:
        return [PlanBudgetFormSet(data, instance=item)]


class ConsultationFormView(StrategyFormView):
    model = Consultation
    form_class = ConsultationForm
    template_name = "programs/consultation_form.html"
    saved = gettext_lazy("The consultation is saved.")


@login_required
@require_safe
def strategy_file(request, pk):
    """A plan's document, to whoever may read the plan; a consultation's minutes, to those who
    may see who took part."""
    stored = get_object_or_404(StrategyFile.objects.select_related("plan", "consultation"), pk=pk)
    owner = stored.owner
    if not type(owner).objects.visible_to(request.user).filter(pk=owner.pk).exists():
        raise Http404
    if stored.consultation_id and not permissions.sees_participants(request.user, owner):
        raise Http404  # minutes carry the attendance list (personal data)
    return files.serve(stored, request.GET.get("size"))
