"""The portal's template filters: Rupiah as people expect to read it (see core.money), and the
permission rules for templates (core.permissions: `user|officer_of:program.company_id`)."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from core import audit, money, permissions
from core.pagination import CappedPaginator

register = template.Library()

register.filter("rupiah", money.rupiah)
register.filter("rupiah_short", money.rupiah_short)
register.filter("officer_of", permissions.is_officer_of)
register.filter("acts_as_company", permissions.acts_as_company)


@register.filter
def at_most(number: int, cap: int = CappedPaginator.cap) -> str:
    """A count of core.pagination.count_at_most: "250+" past the cap."""
    return f"{intcomma(cap)}+" if number > cap else intcomma(number)


@register.filter
def audit_changes(entry) -> list:
    """An audit entry's changes as (label, old, new) rows (core.audit.describe)."""
    return audit.describe(entry)


@register.filter
def audit_action(entry) -> str:
    return str(audit.ACTION_LABELS.get(entry.action, entry.get_action_display()))


@register.inclusion_tag("includes/_error_summary.html")
def error_summary(*forms):
    """The errors of the forms and formsets of a page, listed at its top, each a link to its
    field; the summary takes the focus after a failed submit (static/js/portal.js)."""
    errors = []
    for form in forms:
        if form is None:
            continue
        if hasattr(form, "forms"):  # a formset: its own errors, then each line's
            errors += [(None, str(error), None) for error in form.non_form_errors()]
            for line, row in enumerate(form.forms, start=1):
                errors += _form_errors(row, suffix=_(", line %(line)s") % {"line": line})
        else:
            errors += _form_errors(form)
    return {"errors": errors}


def _form_errors(form, suffix: str = "") -> list[tuple]:
    rows = [(None, str(error), None) for error in form.non_field_errors()]
    for field in form:
        if field.errors and not field.is_hidden:
            anchor = field.id_for_label or field.auto_id
            rows += [(f"{field.label}{suffix}", str(error), anchor) for error in field.errors]
        elif field.errors:
            rows += [(None, str(error), None) for error in field.errors]
    return rows
