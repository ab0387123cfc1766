from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from core import permissions


class TokenForm(forms.Form):
    """A new API token: a name saying which system holds it, and whose data it reads."""

    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("Which system holds it, e.g. “SAP CSR, head office”."),
    )
    company = forms.ModelChoiceField(
        label=_("Reads"), queryset=Company.objects.none(), required=False
    )
    files_reports = forms.BooleanField(
        label=_("Also files realization report drafts"),
        required=False,
        help_text=_(
            "The system may start and fill in drafts of the company's reports; an officer "
            "still checks and submits each one here."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["company"]
        field.queryset = Company.objects.filter(
            pk__in=permissions.officer_companies(user)
        ).order_by("name")
        personal = permissions.may_hold_api_token(user, None)
        field.required = not personal
        field.empty_label = _("What I read as a planner, in this region") if personal else None
        if not field.queryset.exists():  # only a company's officers file reports
            del self.fields["files_reports"]

    def clean(self):
        data = super().clean()
        company = data.get("company")
        if "company" in data and not permissions.may_hold_api_token(
            self.user, company.pk if company else None
        ):
            raise ValidationError(
                _("API tokens are for a company's officers and for planners."), code="role"
            )
        if data.get("files_reports") and "company" in data and not company:
            self.add_error("files_reports", _("Only a company's token files its reports."))
        return data
