from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from core import permissions, tenancy

from .middleware import RegionMiddleware

# How the UI names the request's region in a sentence ("CSR in the regency": "CSR di kabupaten
# ini"), by its kind.
CITY_WORDS = {"kota": _("city"), "kabupaten": _("regency")}


def region(request):
    """The request's region: its site name, and the regions the user may go to (the header's
    switcher, read only by the pages that draw it)."""
    code = tenancy.current_code()
    served = RegionMiddleware.served(request)
    user = getattr(request, "user", None)
    here = served.get(code)
    words = (here.city_word, here.village_word) if here else ("kota", "kelurahan")
    return {
        "SITE_NAME": here.title if here else settings.SITE_NAME,
        "REGION_CODE": code,
        # The region's own words ("kota"/"kabupaten", "kelurahan"/"desa"), the same in both
        # languages; capitalised for headings.
        "city_word": words[0],
        "CITY_WORD": CITY_WORDS.get(words[0], words[0]),
        "village_word": words[1],
        "VILLAGE_WORD": words[1].capitalize(),
        "region_menu": SimpleLazyObject(lambda: menu(user, served, code)),
    }


def menu(user, served: dict, current: str) -> list[dict]:
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
        entries.append(
            {"code": code, "name": served[code].title, "url": url, "current": code == current}
        )
    return entries
