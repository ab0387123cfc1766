import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from planning.models import Pillar

from .models import Program


class ProgramFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Program.Status.choices, empty_label=_("Any status")
    )
    pillar = django_filters.ChoiceFilter(
        label=_("Pillar"), choices=Pillar.choices, empty_label=_("All pillars")
    )
    year = django_filters.NumberFilter(label=_("Year"), method="running_in")

    class Meta:
        model = Program
        fields = ["q", "status", "pillar", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))

    def running_in(self, queryset, name, value):
        return queryset.filter(start_date__year__lte=value, end_date__year__gte=value)
