from django import forms
from django.utils.translation import gettext_lazy as _

from regions.models import Region

from .models import Company, CompanyVillage


class CompanyProfileForm(forms.ModelForm):
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


class BaseVillageRingFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, city: Region | None, **kwargs):
        super().__init__(*args, **kwargs)
        villages = (
            Region.objects.villages().select_related("parent").order_by("parent__name", "name")
        )
        self.villages = villages.within(city) if city else villages.none()
        choices = [("", "---------")] + [
            (v.pk, f"{v.name} (Kec. {v.parent.name})") for v in self.villages
        ]
        for form in [*self.forms, self.empty_form]:
            form.fields["village"].choices = choices

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "villages": self.villages}

    def clean(self):
        super().clean()
        chosen = [
            f.cleaned_data.get("village")
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        chosen = [v for v in chosen if v]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Each kelurahan may appear only once."))


VillageRingFormSet = forms.inlineformset_factory(
    Company,
    CompanyVillage,
    form=VillageRingForm,
    formset=BaseVillageRingFormSet,
    extra=2,
    can_delete=True,
)
