from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedFormMixin
from core.files import PHOTOS, UploadForm
from core.forms import BoundedInlineFormSet, bounded_inline_formset
from planning.models import TargetUnit
from programs.forms import DateInput
from programs.models import UnitClaim

from . import periods
from .models import OutputLine, Report, ReportLine
from .services import reportable_claims

CUSTOM = "custom"


class ReportPeriodForm(forms.Form):
    """Which period a new report covers: a quarter of the program that no report covers yet
    (the first of them is proposed), or other dates."""

    period = forms.ChoiceField(label=_("Period"))
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        today = timezone.localdate()
        first = program.start_date or today
        last = min(program.end_date or today, today)
        taken = list(program.reports.values_list("period_start", "period_end"))
        quarters = [
            q
            for q in periods.quarters(first, last)
            if q.start <= today
            and not any(start <= q.end and q.start <= end for start, end in taken)
        ]
        self.fields["period"].choices = [
            *[(q.key, str(q)) for q in reversed(quarters)],
            (CUSTOM, _("Other dates")),
        ]
        self.fields["period"].initial = quarters[0].key if quarters else CUSTOM

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("period")
        if choice == CUSTOM:
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start or not end:
                raise ValidationError(_("Give the first and the last day of the period."))
        elif quarter := periods.Quarter.parse(choice or ""):
            start, end = quarter.start, quarter.end
            if self.program.start_date and start < self.program.start_date:
                start = self.program.start_date
            if self.program.end_date and end > self.program.end_date:
                end = self.program.end_date
        else:
            raise ValidationError(_("Choose a period."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


class ReportForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Report
        fields = ["narrative", "beneficiaries", "women", "men", "children", "final"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "narrative": _(
                "What was done in the period, where, with whom; for a final report, why any "
                "pledge was not delivered in full."
            )
        }

    def clean_narrative(self):
        narrative = self.cleaned_data["narrative"]
        if len(narrative) > 20_000:
            raise ValidationError(_("Keep the narrative under 20,000 characters."))
        return narrative


class _LabelledLines(BoundedInlineFormSet):
    """Each line is named after what it reports on (a pledge, an output), in its row and in
    its fields' labels for screen readers."""

    row_heading = ""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.row_label = self.row_label(form.instance) if form.instance.pk else ""


class BaseReportLineFormSet(_LabelledLines):
    row_heading = _("Pledge")

    def get_queryset(self):
        covers = UnitClaim.objects.filter(pledge=OuterRef("pledge"))
        return (
            super()
            .get_queryset()
            .select_related("pledge__need__village", "pledge__priority")
            .annotate(covers_units=Exists(covers))
        )

    def add_fields(self, form, index):
        """A pledge that covers units reports the units ticked: its quantity is counted, not
        typed (delivery.services)."""
        super().add_fields(form, index)
        if getattr(form.instance, "covers_units", False):
            form.fields["quantity"].disabled = True
            form.fields["quantity"].help_text = _("Counted from the units ticked below.")

    @staticmethod
    def row_label(line) -> str:
        pledge = line.pledge
        what = pledge.need.title if pledge.need else pledge.priority.title
        return f"{what} ({pledge.delivered_quantity}/{pledge.quantity} {pledge.priority.get_unit_display()})"


class BaseOutputLineFormSet(_LabelledLines):
    row_heading = _("Output")

    def get_queryset(self):
        return super().get_queryset().select_related("output__indicator", "output__village")

    @staticmethod
    def row_label(line) -> str:
        """The indicator, and where: two outputs of one indicator (solar lights in two parks)
        are told apart by their site or kelurahan."""
        output = line.output
        where = output.site or (output.village.name if output.village else "")
        target = f"{output.target_quantity} {output.indicator.unit}"
        return (
            f"{output.indicator.name}, {where} ({target})"
            if where
            else f"{output.indicator.name} ({target})"
        )


ReportLineFormSet = bounded_inline_formset(
    Report,
    ReportLine,
    formset=BaseReportLineFormSet,
    fields=["quantity", "amount"],
    extra=0,
    can_delete=False,
    edit_only=True,
    max_rows=50,
)
OutputLineFormSet = bounded_inline_formset(
    Report,
    OutputLine,
    formset=BaseOutputLineFormSet,
    fields=["quantity"],
    extra=0,
    can_delete=False,
    edit_only=True,
    max_rows=30,
)


def report_forms(report: Report, data=None, *, units: bool = True) -> dict:
    """The forms that edit a report's draft, as delivery.services.report_save takes them: its
    narrative and people, its lines, its outputs and (`units`, when it has units to tick) the
    units done. The portal's page and the API's filing bind the same ones."""
    forms = {
        "form": ReportForm(data, instance=report),
        "lines": ReportLineFormSet(data, instance=report),
        "outputs": OutputLineFormSet(data, instance=report),
    }
    forms["form"].watch(forms["lines"], forms["outputs"])
    if units:
        ticked = UnitsForm(data, report=report)
        if ticked.has_units:
            forms["units"] = ticked
    return forms


class EvidenceForm(UploadForm):
    """A photo or a PDF backing a report (core.files): never SVG, HTML or anything that runs;
    when the report ticks units, the unit it shows."""

    accepted = {"pdf", *PHOTOS}
    refused = _("Evidence is a photo (JPEG, PNG, WebP) or a PDF; this file's content is neither.")

    file = forms.FileField(label=_("Photo or document"), max_length=None)
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit shown"), queryset=TargetUnit.objects.none(), required=False
    )

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = TargetUnit.objects.filter(claims__reports__report=report) if report else None
        if units is None or not units.exists():
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units.select_related("need__village").order_by("pk")
            self.fields["unit"].label_from_instance = unit_label


def unit_label(unit) -> str:
    """A unit as reports name it: its reference, kelurahan and condition; never a name."""
    parts = [unit.reference, unit.need.village.name if unit.need_id else ""]
    if unit.kind != TargetUnit.Kind.HOUSEHOLD:
        parts[0] = f"{unit.reference} {unit.name}"
    return " · ".join(part for part in parts if part)


class UnitsForm(forms.Form):
    """The units a report says were done in its period (delivery.services.units_tick)."""

    units = forms.TypedMultipleChoiceField(
        label=_("Units done in the period"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick each house or school finished in the period; add a photo of each."),
    )

    def __init__(self, *args, report, **kwargs):
        claims = reportable_claims(report.program) | UnitClaim.objects.filter(
            reports__report=report
        )
        claims = claims.distinct().select_related("unit__need__village").order_by("unit")
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(c.pk, unit_label(c.unit)) for c in claims]
        if not args or args[0] is None:
            self.initial["units"] = list(report.units.values_list("claim", flat=True))

    @property
    def has_units(self) -> bool:
        return bool(self.fields["units"].choices)


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the company"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    returned_units = forms.TypedMultipleChoiceField(
        label=_("Units not verified (returned to the company)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave unticked the units you verified; say why others are returned."),
    )

    def __init__(self, *args, ticked=(), **kwargs):
        """`ticked`: the report's units (ReportUnit, with their claims' units)."""
        super().__init__(*args, **kwargs)
        self.fields["returned_units"].choices = [
            (t.claim_id, unit_label(t.claim.unit)) for t in ticked
        ]
        if not self.fields["returned_units"].choices:
            del self.fields["returned_units"]
