from django.db import transaction

from .models import Company


@transaction.atomic
def company_update_profile(*, form, formset, by) -> Company:
    """Save a company's details and its ring villages together."""
    company = form.save()
    formset.instance = company
    formset.save()
    return company
