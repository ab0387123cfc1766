from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedFormMixin
from core.forms import BoundedInlineFormSet, bounded_inline_formset
from regions.models import Region

from .models import Company, CompanyVillage


class CompanyProfileForm(VersionedFormMixin, forms.ModelForm):
    """What a company's own officers maintain; name, sector and group stay with the admins."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Company
        fields = ["legal_name", "nib", "address", "website", "email", "phone", "contact_person"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class VillageRingForm(forms.ModelForm):
    class Meta:
        model = CompanyVillage
        fields = ["village", "ring"]

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # labels: the formset's precomputed choices


class BaseVillageRingFormSet(BoundedInlineFormSet):
    """The company's ring villages, picked among the villages of `regions` (regencies and
    cities: those it already works in and the ones the officer chose to add), grouped by
    regency or city."""

    def __init__(self, *args, regions: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        within = Q(pk__in=[])
        for region in regions:
            within |= Q(code__startswith=f"{region.code}.")
        self.villages = (
            Region.objects.villages()
            .filter(within)
            .select_related("parent__parent")
            .order_by("parent__parent__name", "parent__name", "name")
        )
        groups: dict[str, list] = {}
        for village in self.villages:
            label = f"{village.name} (Kec. {village.parent.name})"
            groups.setdefault(village.parent.parent.name, []).append((village.pk, label))
        choices = [("", "---------"), *sorted(groups.items())]
        for form in [*self.forms, self.empty_form]:
            form.fields["village"].choices = choices

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "villages": self.villages}

    def validate_unique(self):
        """Name the kelurahan that appears twice (Django's own message names the field)."""
        seen = set()
        for form in self.forms:
            village = form.cleaned_data.get("village") if form.cleaned_data else None
            if village is None or form.cleaned_data.get("DELETE"):
                continue
            if village in seen:
                raise forms.ValidationError(
                    _("Kelurahan %(village)s appears more than once; keep one line for it.")
                    % {"village": village.name}
                )
            seen.add(village)
        super().validate_unique()


VillageRingFormSet = bounded_inline_formset(
    Company,
    CompanyVillage,
    form=VillageRingForm,
    formset=BaseVillageRingFormSet,
    extra=2,
    can_delete=True,
    max_rows=100,  # a city has at most a few dozen kelurahan; a company rings some of them
)
