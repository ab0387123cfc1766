from django.conf import settings
from django.core.checks import Error, register

from core.identity import iati_reference_problem

from .feeds import LICENCES


@register()
def open_data(app_configs, **kwargs):
    """IATI_ORGANISATION_REF, when set, is a registered identifier (every identifier of the
    default region's activities starts with it); OPEN_DATA_LICENCE is a licence we know."""
    errors = []
    reference = settings.IATI_ORGANISATION_REF
    if reference and (problem := iati_reference_problem(reference)):
        errors.append(Error(f"IATI_ORGANISATION_REF: {problem}", id="csrportal.E001"))
    if settings.OPEN_DATA_LICENCE not in LICENCES:
        errors.append(
            Error(
                f"OPEN_DATA_LICENCE {settings.OPEN_DATA_LICENCE!r} is none of "
                f"{', '.join(LICENCES)}.",
                id="csrportal.E002",
            )
        )
    return errors
