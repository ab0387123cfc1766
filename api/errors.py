"""The API's errors: JSON, in Indonesian and English at once (a company's system logs them,
a person reads them), never an HTML page.

    {"error": {"status": 400, "code": "invalid", "message": {"id": "...", "en": "..."},
               "fields": {"village": {"id": ["..."], "en": ["..."]}}}}
"""

import re

from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.views import exception_handler

LANGUAGES = ("id", "en")

MESSAGES = {
    exceptions.NotFound: _("Nothing is found at this address."),
    exceptions.MethodNotAllowed: _("This address does not answer this method."),
    exceptions.NotAcceptable: _("This address answers in JSON only."),
    exceptions.ParseError: _("The request could not be read."),
    exceptions.UnsupportedMediaType: _("This address does not read that kind of content."),
    exceptions.NotAuthenticated: _("Sign in or give a token first."),
    exceptions.AuthenticationFailed: _("The token is not valid, or was revoked."),
    exceptions.PermissionDenied: _("You may not see this."),
}


class InvalidParameters(exceptions.APIException):
    """Query parameters, or a body's fields, that fail their checks: `fields` holds each one's
    messages in each language ({name: {"id": [...], "en": [...]}})."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, fields: dict, message=None):
        super().__init__("invalid parameters")
        self.fields = fields
        self.message = message or _("Some parameters are not valid; see fields.")


class Refused(exceptions.APIException):
    """A request refused for a reason of its own: `message` (lazy: said in each language)
    under `code`, with `extra` items added to the error (what changed meanwhile, the report
    that covers a period already)."""

    def __init__(self, *, status: int, code: str, message, **extra):
        super().__init__(code)
        self.status_code, self.default_code = status, code
        self.message, self.extra = message, extra


class InvalidCursor(exceptions.NotFound):
    default_code = "invalid_cursor"


def in_each_language(message) -> dict:
    """{"id": ..., "en": ...} of a lazy message."""
    found = {}
    for language in LANGUAGES:
        with translation.override(language):
            found[language] = str(message)
    return found


def each_language(messages) -> dict:
    """{"id": [...], "en": [...]} of lazy messages (a message made of a value is the same in
    both)."""
    found = {}
    for language in LANGUAGES:
        with translation.override(language):
            found[language] = [str(message) for message in messages]
    return found


def fields_in_each_language(collect) -> dict:
    """{name: {"id": [...], "en": [...]}} of `collect()`, a check run again in each language
    that returns {name: [messages]} (a form's, a filter's or a serializer's errors)."""
    fields = {}
    for language in LANGUAGES:
        with translation.override(language):
            for name, messages in collect().items():
                fields.setdefault(name, {})[language] = [str(m) for m in messages]
    return fields


def validation_fields(error) -> dict:
    """A Django ValidationError's messages by field, in each language (a message with
    `params` is formatted in each; `__all__` is `non_field_errors`, as in the API's bodies)."""
    if hasattr(error, "error_dict"):
        found = error.error_dict.items()
    else:
        found = [("non_field_errors", error.error_list)]
    fields = {}
    for name, errors in found:
        key = "non_field_errors" if name == "__all__" else name
        for language in LANGUAGES:
            with translation.override(language):
                # A ValidationError formats its message with its params as it is iterated.
                fields.setdefault(key, {})[language] = [m for e in errors for m in e]
    return fields


def _message(exc):
    if isinstance(exc, InvalidParameters | Refused):
        return exc.message
    if isinstance(exc, InvalidCursor):
        return _("The cursor is not valid: follow the next or previous link as given.")
    if isinstance(exc, exceptions.Throttled):
        return _("Too many requests: try again in a minute.")
    for kind, message in MESSAGES.items():
        if isinstance(exc, kind):
            return message
    return _("The request cannot be answered.")


def handle(exc, context):
    """rest_framework's EXCEPTION_HANDLER: the default handling (status, headers such as
    Retry-After), then our body. Anything else (a fault) is left to the 500 handler."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    error = {
        "status": response.status_code,
        "code": getattr(exc, "default_code", "error"),
        "message": in_each_language(_message(exc)),
    }
    if isinstance(exc, InvalidParameters):
        error["fields"] = exc.fields
    if isinstance(exc, Refused):
        error.update(exc.extra)
    response.data = {"error": error}
    return response


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([])
@throttle_classes([])
def not_found(request, *args, **kwargs):
    """Any address under the API that names nothing: JSON, not the portal's 404 page."""
    raise exceptions.NotFound


API_PATH = re.compile(r"^/([0-9]{2}(\.[0-9]{2})?/)?api/")


def is_api(request) -> bool:
    """Whether `request` is for the API, its region's code taken off or not yet (a fault in
    the region's middleware, an unserved code)."""
    return bool(API_PATH.match(request.path_info))


def plain(status: int, code: str, message) -> JsonResponse:
    """The error body without Django REST framework: for what fails before a view (a NUL in
    the query, a fault, a database outage; csrportal.views' handlers)."""
    error = {"status": status, "code": code, "message": in_each_language(message)}
    return JsonResponse({"error": error}, status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request):
    return plain(400, "bad_request", MESSAGES[exceptions.ParseError])


def server_error(request, outage: bool):
    if outage:
        return plain(
            503, "unavailable", _("The portal's database does not answer; try again shortly.")
        )
    return plain(500, "error", _("The request cannot be answered."))


def page_not_found(request):
    return plain(404, "not_found", MESSAGES[exceptions.NotFound])
