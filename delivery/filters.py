import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.models import Company, Sector
from core import permissions
from core.filters import LabelledDateRangeWidget, PortalFilterSet, YesNoFilter

from . import compliance
from .compliance import Summary
from .models import Report


class ReportFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Program or company"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Report.Status.choices, empty_label=_("Any status")
    )
    period_end = django_filters.DateFromToRangeFilter(
        label=_("Period ending"), widget=LabelledDateRangeWidget
    )

    class Meta:
        model = Report
        fields = ["q", "status", "period_end"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not permissions.sees_all_companies(user):
            self.filters["q"].label = _("Program")

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(program__title__icontains=value) | Q(program__company__name__icontains=value)
        )


class ComplianceFilter(PortalFilterSet):
    """The compliance page's companies by name and sector; how they are sorted, and whether
    only those with missing reports are shown, is applied to the computed rows."""

    ORDERS = [
        ("rate", _("Lowest compliance first")),
        ("missing", _("Most reports missing")),
        ("name", _("Company")),
    ]

    company = django_filters.CharFilter(
        label=_("Company"), field_name="name", lookup_expr="icontains"
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), choices=Sector.objects.choices, empty_label=_("All sectors")
    )
    # One company exactly (a row's missing reports, fetched when the row is opened).
    slug = django_filters.CharFilter(label=_("Company"), widget=forms.HiddenInput)
    missing = YesNoFilter(label=_("With missing reports"), method="computed")
    order = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=ORDERS, empty_label=None, method="computed"
    )

    class Meta:
        model = Company
        fields = ["company", "sector", "slug"]

    def computed(self, queryset, name, value):
        return queryset  # applied to the rows by `arrange`

    def arrange(self, rows):
        cleaned = getattr(self.form, "cleaned_data", {})
        if isinstance(rows, Summary):  # a region's stored counts: sorted when they were stored
            return rows.arranged(
                missing=cleaned.get("missing"), order=cleaned.get("order") or "rate"
            )
        if cleaned.get("missing") is True:
            rows = [row for row in rows if row.missing_count]
        elif cleaned.get("missing") is False:
            rows = [row for row in rows if not row.missing_count]
        order = cleaned.get("order") or "rate"
        if order == "missing":
            return sorted(rows, key=lambda r: (-r.missing_count, r.company.name))
        if order == "name":
            return rows
        return sorted(rows, key=lambda r: (r.rate is None, r.rate or 0, -r.missing_count))

    def rows(self, *, everyone: bool):
        """The rows of the companies selected, sorted as asked. `everyone` (a planner: every
        company the region follows) reads them from every company's counts, shared for a
        minute (compliance.summary); else the few of the queryset (an officer's companies)
        are counted here, their missing reports listed. The page and the API read these."""
        if not everyone:
            return self.arrange(compliance.by_company(self.qs, listed=compliance.MISSING_LISTED))
        rows = compliance.summary()
        data = self.form.cleaned_data if self.is_valid() else {}
        if data.get("company") or data.get("sector") or data.get("slug"):  # else: all of them
            rows = rows.arranged(ids=set(self.qs.values_list("pk", flat=True)), order="name")
        return self.arrange(rows)
