from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from core import permissions, tenancy

from .models import ServedRegion


def region(request):
    """The request's region: its site name, and the regions the user may go to (the header's
    switcher, read only by the pages that draw it)."""
    code = tenancy.current_code()
    served = ServedRegion.objects.codes()
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": served.get(code, settings.SITE_NAME),
        "REGION_CODE": code,
        "region_menu": SimpleLazyObject(lambda: menu(user, served, code)),
    }


def menu(user, served: dict[str, str], current: str) -> list[dict]:
    """The served regions `user` plans or reads in, or where its companies work: each with
    its site name and home page, the current one marked."""
    if user is None or not user.is_authenticated:
        return []
    if user.is_staff:
        codes = set(served)
    else:
        codes = {code for code in served if user.reads_region(code)}
        codes |= set(permissions.company_regions(user)) & set(served)
    entries = []
    for code in sorted(codes):
        with tenancy.serving(code):
            url = reverse("home")
        entries.append({"code": code, "name": served[code], "url": url, "current": code == current})
    return entries
