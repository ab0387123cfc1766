from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from core import concurrency, tenancy
from core.exports import ExportMixin
from core.pagination import NeverPastTheEndMixin
from regions.models import Region, ServedRegion, current_city

from . import exports, services
from .filters import CompanyFilter
from .forms import CompanyProfileForm, VillageRingFormSet
from .models import Company


class CompanyListView(LoginRequiredMixin, ExportMixin, NeverPastTheEndMixin, FilterView):
    filterset_class = CompanyFilter
    template_name = "companies/company_list.html"
    context_object_name = "companies"
    paginate_by = 25

    exports = {"companies": gettext_lazy("Companies")}

    def get_queryset(self):
        return Company.objects.visible_to(self.request.user).for_list()

    def export(self, kind, queryset):
        return exports.company_columns(), exports.company_rows(queryset)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "city": current_city()}


class CompanyDetailView(LoginRequiredMixin, DetailView):
    template_name = "companies/company_detail.html"
    context_object_name = "company"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Company.objects.visible_to(self.request.user).select_related("parent"),
            slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        company, user = self.object, self.request.user
        villages = company.operating_villages.select_related("village__parent__parent")
        officers = None
        if company.officers_visible_to(user):
            officers = list(company.memberships.select_related("user"))
        return super().get_context_data(
            villages=list(villages),
            subsidiaries=list(company.subsidiaries.all()),
            officers=officers,
            can_edit=Company.objects.editable_by(user).filter(pk=company.pk).exists(),
            **kwargs,
        )


class CompanyProfileEditView(LoginRequiredMixin, View):
    """A company's officers (and admins) keep its details and ring villages up to date."""

    template_name = "companies/company_form.html"

    def get_company(self, request, slug) -> Company:
        company = get_object_or_404(Company.objects.visible_to(request.user), slug=slug)
        if not Company.objects.editable_by(request.user).filter(pk=company.pk).exists():
            raise PermissionDenied  # readable by everyone signed in, changeable by its officers
        return company

    def regions(self, company) -> tuple[list[Region], list[Region]]:
        """(the regencies and cities whose villages the rings are picked from: those the
        company works in, the request's, and one the officer adds with ?region=; the served
        ones the officer may add)."""
        served = Region.objects.filter(served__is_active=True).order_by("name")
        codes = {tenancy.current_code(), *Company.objects.filter(pk=company.pk).region_codes()}
        added = self.request.GET.get("region") or self.request.POST.get("region")
        if isinstance(added, str) and added in ServedRegion.objects.codes():
            codes.add(added)
        offered = list(Region.objects.filter(level=Region.Level.REGENCY, code__in=codes))
        return sorted(offered, key=lambda r: r.name), list(served.exclude(code__in=codes))

    def forms(self, company, data=None):
        form = CompanyProfileForm(data, instance=company)
        offered, self.addable = self.regions(company)
        formset = VillageRingFormSet(data, instance=company, regions=offered)
        form.watch(formset)
        return form, formset

    def get(self, request, slug):
        company = self.get_company(request, slug)
        return self.render(*self.forms(company), company)

    def post(self, request, slug):
        company = self.get_company(request, slug)
        form, formset = self.forms(company, request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                services.company_update_profile(form=form, formset=formset)
            except concurrency.Stale as stale:
                form.refuse_stale(stale)
            except ValidationError as e:
                formset._non_form_errors = formset.error_class(e.messages)
            else:
                messages.success(request, _("The company profile is saved."))
                return redirect(company)
        return self.render(form, formset, company)

    def render(self, form, formset, company):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "formset": formset,
                "company": company,
                "addable": self.addable,
                "added": self.request.GET.get("region", ""),
            },
        )
