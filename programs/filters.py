import django_filters
from django.db import connection
from django.db.models import BooleanField, Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from companies.models import Sector
from core import permissions
from core.filters import (
    AmountRangeFilter,
    LabelledDateRangeWidget,
    OrderingFilter,
    PortalFilterSet,
    YearFilter,
)
from planning.models import DevelopmentPlan, Pillar
from regions.models import Region

from .models import Invitation, Pledge, Program, Round

# PostgreSQL only: the stored, indexed tsvector of title and description (migration 0002),
# queried with web-search syntax ("ruang kelas", -rumah, or).
SEARCH_MATCHES = "programs_program.search_vector @@ websearch_to_tsquery('indonesian', %s)"
NEWEST_SUBMITTED = [F("submitted_at").desc(nulls_last=True), F("id").desc()]


class ProgramFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Program.Status.choices, empty_label=_("Any status")
    )
    company = django_filters.CharFilter(
        label=_("Company"), field_name="company__name", lookup_expr="icontains"
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"),
        field_name="company__sector",
        choices=Sector.objects.choices,
        empty_label=_("All sectors"),
    )
    pillar = django_filters.ChoiceFilter(
        label=_("Pillar"), choices=Pillar.choices, empty_label=_("All pillars")
    )
    priority = django_filters.ModelChoiceFilter(
        label=_("Priority"), queryset=None, method="with_priority", empty_label=_("All priorities")
    )
    district = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"),
        queryset=None,
        to_field_name="code",
        method="in_district",
        empty_label=_("All kecamatan"),
    )
    village = django_filters.ModelChoiceFilter(
        label=_("Kelurahan"),
        queryset=None,
        to_field_name="code",
        method="in_village",
        empty_label=_("All kelurahan"),
    )
    round = django_filters.ModelChoiceFilter(
        label=_("Round"), queryset=Round.objects.all(), empty_label=_("Any round")
    )
    year = YearFilter(label=_("Year"), method="running_in")
    budget = AmountRangeFilter(label=_("Budget (Rp)"))
    submitted = django_filters.DateFromToRangeFilter(
        label=_("Submitted"), field_name="submitted_at__date", widget=LabelledDateRangeWidget
    )
    order = OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Newest submission"),
        fields=[("budget", "budget"), ("updated_at", "updated")],
        field_labels={"budget": _("Budget"), "updated_at": _("Last change")},
    )

    class Meta:
        model = Program
        fields = [
            "q",
            "status",
            "company",
            "sector",
            "pillar",
            "priority",
            "district",
            "village",
            "round",
            "year",
            "budget",
            "submitted",
        ]

    PLANNER_ONLY = ["company", "sector"]

    def __init__(self, *args, user, plan: DevelopmentPlan | None, **kwargs):
        super().__init__(*args, **kwargs)
        if not permissions.sees_all_companies(user):
            for name in self.PLANNER_ONLY:
                del self.filters[name]
        self.filters["priority"].queryset = (
            plan.priorities.all() if plan else DevelopmentPlan.objects.none()
        )
        self.filters["round"].queryset = plan.rounds.all() if plan else Round.objects.none()
        in_city = Region.objects.within(plan.city) if plan else Region.objects.none()
        self.filters["district"].queryset = in_city.districts()
        self.filters["village"].queryset = in_city.villages()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("order"):
            queryset = queryset.order_by(*NEWEST_SUBMITTED)
        return queryset

    def search(self, queryset, name, value):
        if connection.vendor == "postgresql":
            # Indonesian stemming: "perumahan" finds "rumah"; the GIN index makes it fast.
            return queryset.filter(RawSQL(SEARCH_MATCHES, [value], output_field=BooleanField()))
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def with_priority(self, queryset, name, value):
        return queryset.filter(
            Exists(Pledge.objects.filter(program=OuterRef("pk"), priority=value))
        )

    def in_district(self, queryset, name, value):
        through = Program.villages.through.objects.filter(
            program=OuterRef("pk"), region__in=list(value.children.values_list("pk", flat=True))
        )
        return queryset.filter(Exists(through))

    def in_village(self, queryset, name, value):
        through = Program.villages.through.objects.filter(program=OuterRef("pk"), region=value)
        return queryset.filter(Exists(through))

    def running_in(self, queryset, name, value):
        return queryset.filter(start_date__year__lte=value, end_date__year__gte=value)


class InvitationFilter(PortalFilterSet):
    """A round's companies: where each stands, by name and sector."""

    company = django_filters.CharFilter(
        label=_("Company"), field_name="company__name", lookup_expr="icontains"
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=Invitation.Stage.choices, empty_label=_("Any stage")
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"),
        field_name="company__sector",
        choices=Sector.objects.choices,
        empty_label=_("All sectors"),
    )
    order = OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Company"),
        fields=[
            ("first_submitted", "submitted"),
            ("pledged", "pledged"),
            ("reminded_at", "reminded"),
        ],
        field_labels={
            "first_submitted": _("First submission"),
            "pledged": _("Pledged"),
            "reminded_at": _("Last reminder"),
        },
    )

    class Meta:
        model = Invitation
        fields = ["company", "stage", "sector"]
