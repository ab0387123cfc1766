from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.db import model_columns, stamp_columns

from .models import Company


@transaction.atomic
def company_update_profile(*, form, formset) -> Company:
    """Save a company's details and its ring villages together, or nothing.

    The company's row is locked, and a form loaded before another person's change is
    refused (core.concurrency.Stale). A tampered form can still ask for a kelurahan the company
    already has; the database refuses it, and so does this service, with a message instead of
    an error page.
    """
    Company.objects.select_for_update().only("pk").get(pk=form.instance.pk)
    form.check_version()
    company = form.save(commit=False)
    columns = model_columns(Company, form.changed_data)
    if columns:  # what the officer changed, never a column an administrator set meanwhile
        company.save(update_fields=[*columns, *stamp_columns(Company)])
    formset.instance = company
    try:
        with transaction.atomic():
            formset.save()
    except IntegrityError as e:
        raise ValidationError(
            _(
                "A kelurahan in this list is already among the company's ring villages: "
                "the list was changed elsewhere. Reload the page and enter your change again."
            )
        ) from e
    return company
