import re

from django.core.handlers.wsgi import get_script_name

from core import tenancy

from .models import ServedRegion

# The first segment of a path that names a regency or city: "/36.72/programs/".
REGION_SEGMENT = re.compile(r"^/(\d{2}\.\d{2})(/.*)$", re.DOTALL)


class RegionMiddleware:
    """The request's region (core.tenancy): a served region's code at the start of the path is
    taken off before the URLs are resolved and becomes the script prefix, so the page's links
    keep it. A path without one is the default region's, as before regions were served (its
    code is accepted too, served or not). Another code that is not served is left in place:
    nothing resolves it, 404. The region stays the thread's until its next request (a
    streamed export is read after this returns)."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def served(request) -> dict:
        """The served regions, read once per request (the header reads them too), and only by
        a request that needs them: /healthz reads none while the database is away."""
        if not hasattr(request, "served_regions"):
            request.served_regions = ServedRegion.objects.codes()
        return request.served_regions

    def __call__(self, request):
        base = f"{get_script_name(request.META).rstrip('/')}/"  # as the handler sets it
        found = REGION_SEGMENT.match(request.path_info)
        # The default region is served at every path without a code, so under its own too.
        if found and (found[1] == tenancy.default_code() or found[1] in self.served(request)):
            request.path_info = found[2]
            tenancy.enter(found[1], base)
            request.region_prefixed = True
        else:
            tenancy.enter(None, base)
            request.region_prefixed = False
        return self.get_response(request)
