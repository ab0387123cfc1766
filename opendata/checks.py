from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

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


@register(Tags.database)
def unpublished_regions(app_configs, databases=None, **kwargs):
    """A served region without an IATI identifier is left out of the open data (opendata.iati):
    said at `migrate` and `check --database default`, where the database is there to ask."""
    from regions.models import ServedRegion

    if not databases:
        return []
    try:
        codes = set(
            ServedRegion.objects.filter(is_active=True, iati_reference="").values_list(
                "region__code", flat=True
            )
        )
    except DatabaseError:  # not migrated yet
        return []
    if settings.IATI_ORGANISATION_REF:
        codes.discard(settings.CITY_CODE)
    if not codes:
        return []
    return [
        Warning(
            f"Not published as IATI open data, for want of an IATI organisation identifier: "
            f"{', '.join(sorted(codes))}.",
            hint="Enter each region's registered identifier on its served region (admin); the "
            "README's \"Open data: a region's identifier\" says how a region obtains one.",
            id="csrportal.W003",
        )
    ]
