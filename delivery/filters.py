import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import LabelledDateRangeWidget, PortalFilterSet

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
        if not user.sees_all_companies:
            self.filters["q"].label = _("Program")

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(program__title__icontains=value) | Q(program__company__name__icontains=value)
        )
