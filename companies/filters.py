import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet
from regions.models import Region

from .models import Company, Sector


class CompanyFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), choices=Sector.objects.choices, empty_label=_("All sectors")
    )
    district = django_filters.ModelChoiceFilter(
        label=_("Operates in kecamatan"),
        empty_label=_("All kecamatan"),
        queryset=Region.objects.none(),
        method="in_district",
        to_field_name="code",
    )

    class Meta:
        model = Company
        fields = ["q", "sector", "district"]

    def __init__(self, *args, city=None, **kwargs):
        super().__init__(*args, **kwargs)
        districts = Region.objects.districts()
        self.filters["district"].queryset = districts.within(city) if city else districts.none()

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(legal_name__icontains=value))

    def in_district(self, queryset, name, value):
        return queryset.filter(pk__in=Company.objects.filter(villages__parent=value).values("pk"))
