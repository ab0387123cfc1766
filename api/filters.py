"""The API's filters: the public pages' words (`status`, `pillar`, `priority`, `district`,
`village`, `company`, `year`), each checked as a form field is: a bad value is a 400 naming the
parameter, never a 500 nor a silently ignored filter."""

import re

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet
from delivery.models import Report
from planning.models import Need, Pillar
from programs.models import Pledge, Program
from regions.models import Region

# A kecamatan's and a kelurahan's Kepmendagri code, a year, and what a wrong one is told.
KECAMATAN = (r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$", _("Give a kecamatan's code, such as 36.72.04."))
KELURAHAN = (
    r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$",
    _("Give a kelurahan's or desa's code, such as 36.72.04.1002."),
)
YEAR = (r"^(20[0-9]{2}|2100)$", _("Give a year from 2000 to 2100."))
IDENTIFIER = (r"^[1-9][0-9]{0,17}$", _("Give a whole number, such as 12."))


class PatternFilter(django_filters.CharFilter):
    """A value of one exact shape (`pattern`, which the schema states), spaces and all: any
    other is refused (400), never read as naming nothing; empty means any."""

    def __init__(self, *args, shape: tuple, **kwargs):
        self.pattern, message = shape
        # \Z, not $: Python's $ lets a trailing newline through, the schema's does not.
        validator = RegexValidator(re.compile(self.pattern.removesuffix("$") + r"\Z"), message)
        super().__init__(*args, max_length=13, strip=False, validators=[validator], **kwargs)


class ProgramFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[(s, s.label) for s in Program.COMMITTED]
    )
    pillar = django_filters.ChoiceFilter(label=_("Pillar"), choices=Pillar.choices)
    priority = django_filters.CharFilter(label=_("Priority"), max_length=20, method="with_priority")
    district = PatternFilter(label=_("Kecamatan"), shape=KECAMATAN, method="in_district")
    village = PatternFilter(label=_("Kelurahan"), shape=KELURAHAN, method="in_village")
    company = django_filters.CharFilter(
        label=_("Company"), field_name="company__slug", max_length=80
    )
    year = PatternFilter(label=_("Year"), shape=YEAR, method="running_in")

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
        year = int(value)
        return queryset.filter(start_date__year__lte=year, end_date__year__gte=year)


class OwnProgramFilter(ProgramFilter):
    """A token's programs: any status its person may read."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=Program.Status.choices)


class OwnReportFilter(PortalFilterSet):
    """A token's realization reports."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=Report.Status.choices)
    program = PatternFilter(label=_("Program"), shape=IDENTIFIER, field_name="program_id")
    year = PatternFilter(label=_("Year"), shape=YEAR, method="ending_in")

    class Meta:
        model = Report
        fields = ["status", "program", "year"]

    def ending_in(self, queryset, name, value):
        return queryset.filter(period_end__year=int(value))


class NeedFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Need.Status.choices)
    priority = django_filters.CharFilter(
        label=_("Priority"), field_name="priority__code", max_length=20
    )
    district = PatternFilter(
        label=_("Kecamatan"), shape=KECAMATAN, field_name="village__parent__code"
    )
    village = PatternFilter(label=_("Kelurahan"), shape=KELURAHAN, field_name="village__code")

    class Meta:
        model = Need
        fields = ["status", "priority", "district", "village"]


class VillageFilter(PortalFilterSet):
    district = PatternFilter(label=_("Kecamatan"), shape=KECAMATAN, field_name="parent__code")

    class Meta:
        model = Region
        fields = ["district"]
