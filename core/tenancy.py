"""The region a request is about: one deployment serves many regencies and cities.

Every page of a served region lives under its Kepmendagri code, `/36.72/programs/`. The
region's middleware (`regions.middleware.RegionMiddleware`) takes the code off the path before
the URLs are resolved and makes it the script prefix, as a deployment under a sub-path would:
so the URL patterns stay as they are, and every `reverse()` and `{% url %}` of the request
keeps the region without being told. A path without a code is the deployment's default region
(`CITY_CODE`): a deployment that serves one region, and its old links, work as before.

Who plans, reads or decides there asks `current_code()` (core.permissions, through the user's
roles); a page about another region reverses its links inside `serving(code)`.
"""

import contextlib
import contextvars

from django.conf import settings
from django.urls import get_script_prefix, reverse, set_script_prefix

_code: contextvars.ContextVar[str | None] = contextvars.ContextVar("region_code", default=None)
_base: contextvars.ContextVar[str | None] = contextvars.ContextVar("script_base", default=None)


def default_code() -> str:
    return settings.CITY_CODE


def current_code() -> str:
    """The code of the regency or city the request is about (its default: `CITY_CODE`)."""
    return _code.get() or settings.CITY_CODE


def enter(code: str | None, base: str) -> None:
    """Make `code` the request's region (None: the default, without a prefix); `base` is the
    deployment's own script prefix ("/" at the root)."""
    _code.set(code)
    _base.set(base)
    set_script_prefix(f"{base}{code}/" if code else base)


@contextlib.contextmanager
def serving(code: str | None):
    """Within the block, links and rules are those of the region `code` (None: the
    default region, without a prefix): a national page linking to each regency's own pages, a
    command, a test."""
    base = _base.get()
    if base is None:  # outside a request: the prefix as it stands, without a region
        base = _strip(get_script_prefix(), _code.get())
    saved = (_code.get(), _base.get(), get_script_prefix())
    enter(code, base)
    try:
        yield
    finally:
        _code.set(saved[0])
        _base.set(saved[1])
        set_script_prefix(saved[2])


def _strip(prefix: str, code: str | None) -> str:
    return prefix.removesuffix(f"{code}/") if code else prefix


def reverse_in(code: str | None, viewname: str, args=()) -> str:
    """The URL of `viewname` in the region `code` (an object's own: a Balikpapan program is
    under /64.71/ on whichever region's page it is listed); the request's when None."""
    if code is None or code == current_code():
        return reverse(viewname, args=args)
    with serving(code):
        return reverse(viewname, args=args)
