from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedFormMixin
from core.spreadsheets import XLSX_MAGIC
from core.uploads import check_size
from regions.models import Region

from .models import DevelopmentPlan, Need, NeedImport, Priority


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} (Kec. {obj.parent.name})"


class NeedForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Need
        fields = [name for name in Need.EDITABLE_FIELDS if name != "status"]
        field_classes = {"village": VillageChoiceField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plan: DevelopmentPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = plan.priorities.all()
        self.fields["village"].queryset = (
            Region.objects.villages()
            .within(plan.city)
            .select_related("parent")
            .order_by("parent__name", "name")
        )


class NeedImportForm(forms.Form):
    file = forms.FileField(
        max_length=None,  # stored under a random name; the original is shortened to fit
        label=_("Spreadsheet of needs"),
        help_text=_("Excel (.xlsx) or CSV, with the columns of the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_size(upload, settings.NEED_IMPORT_MAX_BYTES)
        name = upload.name.lower()
        head = upload.read(8192)
        upload.seek(0)
        if name.endswith(".xlsx"):
            if not head.startswith(XLSX_MAGIC):
                raise forms.ValidationError(_("This file is not a valid Excel (.xlsx) workbook."))
        elif name.endswith(".csv"):
            if b"\x00" in head or head.startswith(XLSX_MAGIC):
                raise forms.ValidationError(_("This file is not a CSV text file."))
        else:
            raise forms.ValidationError(_("Upload an Excel (.xlsx) or CSV (.csv) file."))
        return upload


class UnitImportForm(NeedImportForm):
    """A register's export of households (e-RTLH, DTSEN) or schools (Dapodik), for the needs
    of one priority."""

    kind = forms.ChoiceField(
        label=_("The file lists"),
        choices=[
            (NeedImport.Kind.HOUSEHOLDS, _("Households (NIK, head of household, kelurahan)")),
            (NeedImport.Kind.SCHOOLS, _("Schools (NPSN, school, kelurahan)")),
        ],
        widget=forms.RadioSelect,
    )
    priority = forms.ModelChoiceField(
        label=_("Priority"),
        queryset=Priority.objects.none(),
        help_text=_("Each row joins this priority's open need in its kelurahan."),
    )
    field_order = ["kind", "priority", "file"]

    def __init__(self, *args, plan: DevelopmentPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = plan.priorities.order_by("code")
        self.fields["file"].label = _("Spreadsheet of households or schools")
