import functools

from . import versions


def portal(request):
    return {
        # Read only by the pages that key a drawn filter form by it (a callable: resolved then).
        "filter_choices": functools.partial(versions.current, "filter_choices"),
    }
