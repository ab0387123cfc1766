from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView
from django_filters.views import FilterView

from regions.models import current_city

from .filters import CompanyFilter
from .models import Company


class CompanyListView(LoginRequiredMixin, FilterView):
    filterset_class = CompanyFilter
    template_name = "companies/company_list.html"
    context_object_name = "companies"
    paginate_by = 25

    def get_queryset(self):
        return Company.objects.visible_to(self.request.user).for_list()

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
        villages = company.operating_villages.select_related("village__parent")
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
