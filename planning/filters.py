import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import OrderingFilter, PortalFilterSet, YesNoFilter
from regions.models import Region

from .models import DevelopmentPlan, Need, Pillar


class NeedFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    priority = django_filters.ModelChoiceFilter(
        label=_("Priority"), queryset=None, empty_label=_("All priorities")
    )
    pillar = django_filters.ChoiceFilter(
        label=_("Pillar"),
        field_name="priority__pillar",
        choices=Pillar.choices,
        empty_label=_("All pillars"),
    )
    district = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"),
        field_name="village__parent",
        to_field_name="code",
        queryset=None,
        empty_label=_("All kecamatan"),
    )
    village = django_filters.ModelChoiceFilter(
        label=_("Kelurahan"),
        to_field_name="code",
        queryset=None,
        empty_label=_("All kelurahan"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Need.Status.choices, empty_label=_("Any status")
    )
    gap = YesNoFilter(label=_("Only with a gap"), method="only_with_gap")
    order = OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Largest gap first"),
        fields=[
            ("gap_value", "gap"),
            ("quantity", "quantity"),
            ("village__name", "village"),
            ("title", "title"),
        ],
        field_labels={
            "gap_value": _("Gap"),
            "quantity": _("Quantity"),
            "village__name": _("Kelurahan"),
            "title": _("Title"),
        },
    )

    class Meta:
        model = Need
        fields = ["q", "priority", "pillar", "district", "village", "status", "gap"]

    def __init__(self, *args, plan: DevelopmentPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["priority"].queryset = plan.priorities.all()
        in_city = Region.objects.within(plan.city)
        self.filters["district"].queryset = in_city.districts()
        self.filters["village"].queryset = in_city.villages()

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(external_ref__iexact=value)
        )

    def only_with_gap(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.with_gap()
            if value
            else queryset.exclude(pk__in=queryset.with_gap().values("pk"))
        )
