import functools

from django.conf import settings

from . import versions


def portal(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        # Read only by the pages that key a drawn filter form by it (a callable: resolved then).
        "filter_choices": functools.partial(versions.current, "filter_choices"),
    }
