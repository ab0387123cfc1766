"""The API's filters: the public pages' words (`status`, `pillar`, `priority`, `district`,
`village`, `company`, `year`), each checked as a form field is: a bad value is a 400 naming the
parameter, never a 500 nor a silently ignored filter."""

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet, YearFilter
from planning.models import Need, Pillar
from programs.models import Pledge, Program
from regions.models import Region

# A kecamatan's and a kelurahan's Kepmendagri code, and what a wrong one is told.
CODES = {
    3: (r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$", _("Give a kecamatan's code, such as 36.72.04.")),
    4: (
        r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$",
        _("Give a kelurahan's or desa's code, such as 36.72.04.1002."),
    ),
}


class CodeFilter(django_filters.CharFilter):
    """A region's Kepmendagri code of one level ("36.72.04" for a kecamatan): any other value
    is refused (400), not read as naming nothing."""

    def __init__(self, *args, level: int, **kwargs):
        self.pattern, message = CODES[level]
        validator = RegexValidator(self.pattern, message)
        super().__init__(*args, max_length=13, validators=[validator], **kwargs)


class ProgramFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[(s, s.label) for s in Program.COMMITTED]
    )
    pillar = django_filters.ChoiceFilter(label=_("Pillar"), choices=Pillar.choices)
    priority = django_filters.CharFilter(label=_("Priority"), max_length=20, method="with_priority")
    district = CodeFilter(label=_("Kecamatan"), level=3, method="in_district")
    village = CodeFilter(label=_("Kelurahan"), level=4, method="in_village")
    company = django_filters.CharFilter(
        label=_("Company"), field_name="company__slug", max_length=80
    )
    year = YearFilter(label=_("Year"), method="running_in")

    class Meta:
        model = Program
        fields = ["status", "pillar", "priority", "district", "village", "company", "year"]

    def with_priority(self, queryset, name, value):
        pledging = Pledge.objects.filter(priority__code=value).values("program")
        return queryset.filter(pk__in=pledging)

    def in_district(self, queryset, name, value):
        return self._in(queryset, Q(code__startswith=f"{value}."))

    def in_village(self, queryset, name, value):
        return self._in(queryset, Q(code=value))

    def _in(self, queryset, where):
        villages = Region.objects.villages().filter(where)
        return queryset.filter(
            Q(pk__in=Program.villages.through.objects.filter(region__in=villages).values("program"))
            | Q(pk__in=Pledge.objects.filter(need__village__in=villages).values("program"))
        )

    def running_in(self, queryset, name, value):
        return queryset.filter(start_date__year__lte=value, end_date__year__gte=value)


class NeedFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Need.Status.choices)
    priority = django_filters.CharFilter(
        label=_("Priority"), field_name="priority__code", max_length=20
    )
    district = CodeFilter(label=_("Kecamatan"), level=3, field_name="village__parent__code")
    village = CodeFilter(label=_("Kelurahan"), level=4, field_name="village__code")

    class Meta:
        model = Need
        fields = ["status", "priority", "district", "village"]


class VillageFilter(PortalFilterSet):
    district = CodeFilter(label=_("Kecamatan"), level=3, field_name="parent__code")

    class Meta:
        model = Region
        fields = ["district"]
