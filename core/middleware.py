from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .http import client_ip


class PortalLocaleMiddleware(LocaleMiddleware):
    """Indonesian unless the user chose English with the switcher.

    The browser's Accept-Language is ignored on purpose: many officials' browsers say en-US,
    and the portal must still speak Indonesian to them by default.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class AuditMiddleware(AuditlogMiddleware):
    """Every audit entry written during a request names its user and the client's address.

    The library's own middleware trusts the first X-Forwarded-For address, which any client
    can forge; ours takes the address through the deployment's trusted proxies.
    """

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None


class RejectNulMiddleware:
    """A NUL character has no place in a path, a query or a form: refuse it as a bad request
    (400, translated) before any view or the database sees it. PostgreSQL cannot store or even
    compare it in text, so it would otherwise end as a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or (request.method == "POST" and _has_nul(request.POST))
        ):
            raise BadRequest("NUL character in the request")
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)
