"""django-filter pieces that speak the portal's languages (django-filter has no Indonesian)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import RangeField
from django_filters.widgets import DateRangeWidget, RangeWidget

from .limits import MAX_RUPIAH


class OrderingFilter(django_filters.OrderingFilter):
    descending_fmt = _("%s, descending")


class YesNoWidget(django_filters.widgets.BooleanWidget):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("Either")), ("true", _("Yes")), ("false", _("No"))]

    def value_from_datadict(self, data, files, name):
        """Yes, no, or nothing asked; any other value is handed on for the field to refuse
        (django-filter would read it as "either", silently)."""
        value = super().value_from_datadict(data, files, name)
        raw = data.get(name)
        return raw if value is None and raw not in (None, "") else value


class YesNoField(forms.NullBooleanField):
    def to_python(self, value):
        if value in (None, "", True, False):
            return value if value != "" else None
        raise forms.ValidationError(_("Choose yes (true) or no (false)."), code="invalid")


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter whose choices are translated; an empty choice filters nothing, a value
    that is neither yes nor no is refused with a message."""

    field_class = YesNoField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", YesNoWidget)
        super().__init__(*args, **kwargs)


class LabelledRangeWidget(RangeWidget):
    """Two boxes, each with its own label ("from", "to") naming the range too, for screen
    readers: "Budget (Rp), from"."""

    template_name = "core/widgets/range.html"
    range_label = ""

    def get_context(self, name, value, attrs):
        return {**super().get_context(name, value, attrs), "range_label": self.range_label}


class LabelledDateRangeWidget(LabelledRangeWidget, DateRangeWidget):
    def __init__(self, attrs=None):
        super().__init__(attrs={"type": "date", **(attrs or {})})


class PortalFilterSet(django_filters.FilterSet):
    """The portal's filter sets: range boxes labelled after their filter, and the number of
    filters in use (the phone's "Filter (3)" button)."""

    NOT_FILTERS = {"page", "order"}

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if isinstance(field.widget, LabelledRangeWidget):
                field.widget.range_label = field.label
        return form

    @property
    def active_count(self) -> int:
        data = self.data or {}
        names = {
            key
            for key in data
            if key not in self.NOT_FILTERS and any(v.strip() for v in data.getlist(key))
        }
        return len({name.rsplit("_", 1)[0] if name not in self.filters else name for name in names})


class AmountRangeField(RangeField):
    widget = LabelledRangeWidget

    """From-to whole rupiah, each bounded, so that no typed number reaches the database out
    of its column's range."""

    def __init__(self, *args, **kwargs):
        bound = {"min_value": 0, "max_value": MAX_RUPIAH, "decimal_places": 0}
        super().__init__(
            (forms.DecimalField(**bound), forms.DecimalField(**bound)), *args, **kwargs
        )


class AmountRangeFilter(django_filters.RangeFilter):
    field_class = AmountRangeField


class YearFilter(django_filters.NumberFilter):
    """A calendar year the plan can hold; anything else is a form error, not a crash."""

    def __init__(self, *args, **kwargs):
        kwargs.update(min_value=2000, max_value=2100, decimal_places=0)
        super().__init__(*args, **kwargs)
