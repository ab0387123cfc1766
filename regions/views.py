from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Region


class RegionIndexView(LoginRequiredMixin, ListView):
    template_name = "regions/region_list.html"
    context_object_name = "regions"

    def get_queryset(self):
        return Region.objects.filter(level=Region.Level.PROVINCE)


class RegionDetailView(LoginRequiredMixin, DetailView):
    template_name = "regions/region_detail.html"
    context_object_name = "region"

    def get_object(self, queryset=None):
        return get_object_or_404(Region, code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        region = self.object
        return super().get_context_data(
            breadcrumbs=list(region.ancestors()),
            children=list(region.children.order_by("code")),
            **kwargs,
        )
