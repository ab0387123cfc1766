"""The public, read-only API: regions, priorities with figures, needs, committed programs with
their verified delivery, and villages' figures, of the request's region (its code before
/api/: /36.72/api/v1/programs/), as the public pages show them (api.serializers).

Every list is cursor-paginated (`limit`, 1-200; `next`/`previous` links), filtered with the
pages' words (api.filters), answered with an ETag (a client that has the page gets 304), read
from the replica when there is one, and throttled per address through the shared cache (a
Redis outage costs the throttle, never the answer). Errors are JSON (api.errors).
"""

import copy
import hashlib
import json
import re

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Count, F, Sum
from django.http import HttpResponseNotModified
from django.urls import get_script_prefix, reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import generics, pagination, permissions, throttling
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core import tenancy, versions
from core.filters import YesNoFilter
from core.http import client_ip
from core.replica import LaggingReadsMixin
from insight import public
from insight.public import PUBLIC_CACHE_SECONDS
from planning.models import DevelopmentPlan, Need
from programs.models import Program
from regions.models import CODE_RE, Region, ServedRegion

from . import errors, filters, rows, serializers
from .auth import TokenAuthentication

CACHE_SECONDS = 60
# A NUL character is refused in any query (core.middleware.RejectNulMiddleware): the schema
# says so of every text parameter.
NO_NUL = "^[^\\u0000]*$"


class AddressThrottle(throttling.AnonRateThrottle):
    """Requests per client address (core.http.client_ip: behind PROXY_COUNT proxies, the
    client's, never a forged X-Forwarded-For), counted in the shared cache."""

    scope = "address"

    def get_rate(self):
        return f"{settings.API_RATE}/min"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "-"}


class Cursor(pagination.CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "limit"
    ordering = "id"  # a page may be read as values (api.rows.programs): no "pk" key

    def get_page_size(self, request):
        return whole_number(request, "limit", LIMIT_MESSAGE, self.page_size, 1, self.max_page_size)

    # What a cursor's position may be: the ordering field's value (a cursor is the client's
    # to forge).
    position = re.compile(r"^[0-9]{1,18}$")

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except errors.exceptions.NotFound as error:
            raise errors.InvalidCursor from error
        if cursor and cursor.position is not None and not self.position.match(cursor.position):
            raise errors.InvalidCursor
        return cursor

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 200}
            else:
                parameter["schema"]["pattern"] = NO_NUL
        return parameters


class ByCode(Cursor):
    ordering = "code"
    position = CODE_RE


def whole_number(request, name: str, message, default: int, least: int, most: int) -> int:
    """The query's whole number `name` from `least` to `most`; a 400 saying `message` else."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) < 12) or not least <= int(raw) <= most:
        raise errors.InvalidParameters({name: errors.each_language([message])})
    return int(raw)


class Offset(pagination.LimitOffsetPagination):
    """Pages of computed rows (no column to hold a cursor on): `limit` 1-200 and `offset`."""

    default_limit = 50
    max_limit = 200

    def get_limit(self, request):
        return whole_number(request, "limit", LIMIT_MESSAGE, self.default_limit, 1, self.max_limit)

    def get_offset(self, request):
        return whole_number(request, "offset", OFFSET_MESSAGE, 0, 0, 10**9)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            least, most = (1, 200) if parameter["name"] == "limit" else (0, 10**9)
            parameter["schema"] = {"type": "integer", "minimum": least, "maximum": most}
        return parameters


LIMIT_MESSAGE = _("A whole number from 1 to 200.")
OFFSET_MESSAGE = _("A whole number from 0.")
ONCE_MESSAGE = _("Give this parameter once.")


def _choices(field) -> list:
    """A filter's choices; those of a registry (sectors) read now, or none where there is no
    database yet (the schema is also made by the deploy check)."""
    choices = field.extra.get("choices") or []
    if not callable(choices):
        return choices
    try:
        return list(choices())
    except DatabaseError:
        return []


class FilterBackend:
    """The view's `filterset_class` on the query string; invalid values are a 400 naming each
    parameter in both languages (api.errors), never ignored."""

    def filter_queryset(self, request, queryset, view):
        kind = getattr(view, "filterset_class", None)
        if kind is None or not any(
            key in kind.base_filters or key.rpartition("_")[0] in kind.base_filters
            for key in request.query_params  # a range's budget_min, budget_max too
        ):
            return queryset  # nothing to filter by: no filter set made (a tenth of a small answer)
        return self.checked(request, queryset, view).qs

    @staticmethod
    def checked(request, queryset, view):
        """The view's filterset bound to the query, valid (else the 400)."""
        kind = view.filterset_class
        filterset = kind(request.query_params, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise errors.InvalidParameters(
                errors.fields_in_each_language(
                    lambda: kind(request.query_params, queryset=queryset, request=request).errors
                )
            )
        return filterset

    def get_schema_operation_parameters(self, view):
        kind = getattr(view, "filterset_class", None)
        if kind is None:
            return []
        parameters = []
        for name, field in kind.base_filters.items():
            schema = {"type": "string", "pattern": NO_NUL}
            if isinstance(field, filters.PatternFilter):  # empty: any, as on the pages
                schema["pattern"] = f"^({field.pattern[1:-1]})?$"
            if field.extra.get("max_length"):
                schema["maxLength"] = field.extra["max_length"]
            if isinstance(field, YesNoFilter):
                schema = {"type": "string", "enum": ["", "true", "false", "1", "0"]}
            if choices := _choices(field):  # empty: any, as on the pages
                schema = {"type": "string", "enum": ["", *(str(v) for v, _ in choices)]}
            parameters.append(
                {
                    "name": name,
                    "required": False,
                    "in": "query",
                    "description": str(field.label),
                    "schema": schema,
                }
            )
        return parameters

    def get_schema_fields(self, view):  # the coreapi interface, unused
        return []


class Answering:
    """What every API view does: one value per parameter, an ETag (a client that has the same
    answer gets 304)."""

    cache_control = f"public, max-age={CACHE_SECONDS}"
    vary = ["Accept"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        repeated = [
            key for key in request.query_params if len(request.query_params.getlist(key)) > 1
        ]
        if repeated:  # which one would count? none: say so
            message = errors.each_language([ONCE_MESSAGE])
            raise errors.InvalidParameters(dict.fromkeys(repeated, message))

    def etag_content(self, response) -> bytes:
        """What the ETag is a digest of: the answer's body."""
        return response.content

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.render()
            digest = hashlib.blake2b(self.etag_content(response), digest_size=16).hexdigest()
            response["ETag"] = f'"{digest}"'
            response["Cache-Control"] = self.cache_control
            patch_vary_headers(response, self.vary)
            unchanged = get_conditional_response(request, etag=response["ETag"], response=response)
            if isinstance(unchanged, HttpResponseNotModified):
                return unchanged
        return response


class PublicAPI(LaggingReadsMixin, Answering):
    """Anyone may read, without signing in; answers kept a while (`get`)."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [AddressThrottle]

    @cached_property
    def plan(self) -> DevelopmentPlan | None:
        if getattr(self, "swagger_fake_view", False):  # the schema is being made: no row
            return None
        plan = DevelopmentPlan.objects.select_related("city").current()
        if plan is None:
            raise errors.exceptions.NotFound
        return plan

    def get(self, request, *args, **kwargs):
        """The answer as kept for PUBLIC_CACHE_SECONDS under the request's region, host and
        full path and the figures' tokens (an approval or a verification shows at once, a
        title edited within the public pages' five minutes); made and kept on a miss."""
        asked = "|".join(
            [
                tenancy.current_code(),
                request.get_host(),
                request.get_full_path(),
                versions.current("needs", "reach"),
            ]
        )
        key = f"api:{hashlib.blake2b(asked.encode(), digest_size=16).hexdigest()}"
        data = cache.get(key)
        if data is None:
            made = super().get(request, *args, **kwargs)
            data = json.loads(JSONRenderer().render(made.data))  # plain values to keep
            cache.set(key, data, PUBLIC_CACHE_SECONDS)
        return Response(data)


class RegionList(PublicAPI, generics.ListAPIView):
    """The regencies and cities this portal serves, each with its own API root."""

    serializer_class = serializers.RegionSerializer
    pagination_class = None

    def get_queryset(self):
        return ServedRegion.objects.filter(is_active=True).select_related("region")

    def list(self, request, *args, **kwargs):
        served_regions = []
        for served in self.get_queryset().order_by("region__code"):
            with tenancy.serving(served.region.code):
                served.api = request.build_absolute_uri(reverse("api:root"))
            served_regions.append(served)
        return Response(self.get_serializer(served_regions, many=True).data)


class PriorityList(PublicAPI, generics.ListAPIView):
    """The current plan's priorities with their target, pledged, delivered and gap, in each
    priority's unit (a plan holds tens of them: one page)."""

    serializer_class = serializers.PrioritySerializer
    pagination_class = None

    def get_queryset(self):
        return Need.objects.none()  # figures, not rows (insight.figures.priorities)

    def list(self, request, *args, **kwargs):
        figures = public.home_figures(self.plan.pk)["priorities"]  # kept, as the public home's
        return Response(self.get_serializer(figures, many=True).data)


class NeedList(PublicAPI, generics.ListAPIView):
    """The needs of the current plan, where they are and how far they are funded and
    delivered (no household, no description)."""

    serializer_class = serializers.NeedSerializer
    pagination_class = Cursor
    filter_backends = [FilterBackend]
    filterset_class = filters.NeedFilter

    def get_queryset(self):
        return (
            Need.objects.filter(priority__plan=self.plan)
            .select_related("priority", "village")
            .annotate(gap_value=F("quantity") - F("pledged_quantity"))
        )


class ProgramMixin:
    serializer_class = serializers.ProgramSerializer

    def get_queryset(self):
        return Program.objects.filter(plan=self.plan, status__in=Program.COMMITTED)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(rows.programs(self.filter_queryset(self.get_queryset())))
        shown = rows.with_details(page)  # what the public pages show of them
        return self.get_paginated_response(self.get_serializer(shown, many=True).data)


class ProgramList(PublicAPI, ProgramMixin, generics.ListAPIView):
    """Approved, running and completed programs of the current plan, with their pledges and
    outputs and what verified reports say they delivered."""

    pagination_class = Cursor
    filter_backends = [FilterBackend]
    filterset_class = filters.ProgramFilter


class ProgramDetail(PublicAPI, ProgramMixin, generics.RetrieveAPIView):
    """One approved, running or completed program."""

    def get_object(self):
        found = generics.get_object_or_404(rows.programs(self.get_queryset()), pk=self.kwargs["pk"])
        return rows.with_details([found])[0]


class TokenThrottle(throttling.SimpleRateThrottle):
    """Requests per person reading with tokens (API_RATE a minute, whatever their number of
    tokens), counted in the shared cache."""

    scope = "token"

    def get_rate(self):
        return f"{settings.API_RATE}/min"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.user_id}


class TokenAPI(Answering):
    """Read with a token (`Authorization: Bearer csr_...`), as the person who made it: what
    they read in the request's region (core.permissions, their roles as they stand now), of
    the token's company alone when it has one. Never kept, never from the replica."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [TokenThrottle]
    cache_control = "private, no-cache"
    vary = ["Accept", "Authorization"]

    def of_token_company(self, queryset, lookup: str = "company_id"):
        """`queryset` narrowed to the token's company when it has one (`lookup` leads from a
        row to its company's id); what the person may read is the permission module's."""
        company = self.request.auth.company_id
        return queryset if company is None else queryset.filter(**{lookup: company})

    def initial(self, request, *args, **kwargs):
        # The address's count before the token is even looked up: guessing keys, or a broken
        # client's 401s, cost a digest and a query each.
        by_address = AddressThrottle()
        if not by_address.allow_request(request, self):
            self.throttled(request, by_address.wait())
        super().initial(request, *args, **kwargs)


class OwnProgramList(TokenAPI, ProgramMixin, generics.ListAPIView):
    """The programs the token's person reads here, whatever their status: an officer's
    company's (its drafts too), a planner's region's (submitted and beyond)."""

    pagination_class = Cursor
    filter_backends = [FilterBackend]
    filterset_class = filters.OwnProgramFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Program.objects.none()
        return self.of_token_company(Program.objects.visible_to(self.request.user))


class VillageList(PublicAPI, generics.ListAPIView):
    """The region's desa and kelurahan with the figures of their needs in the current plan."""

    serializer_class = serializers.VillageSerializer
    pagination_class = ByCode
    filter_backends = [FilterBackend]
    filterset_class = filters.VillageFilter

    def get_queryset(self):
        if self.plan is None:
            return Region.objects.none()
        return Region.objects.villages().within(self.plan.city).select_related("parent")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        sums = {
            row.pop("village"): row
            for row in Need.objects.filter(priority__plan=self.plan, village__in=page)
            .values("village")
            .annotate(
                need_count=Count("pk"),
                needed=Sum("quantity"),
                pledged=Sum("pledged_quantity"),
                delivered=Sum("delivered_quantity"),
            )
            .order_by()
        }
        for village in page:  # one grouped query for the page's villages
            found = sums.get(
                village.pk, {"need_count": 0, "needed": 0, "pledged": 0, "delivered": 0}
            )
            for name, value in found.items():
                setattr(village, name, value or 0)
            village.gap = village.needed - village.pledged
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# The schema is the same for every request of a language but its server address: made once
# a process and language ({language: schema}).
_schemas = {}


def schema_for(request) -> dict:
    """The OpenAPI schema of the API in the request's language, its server the request's
    region (the views read no row while it is made: `swagger_fake_view`)."""
    language = get_language()
    if language not in _schemas:
        _schemas[language] = SchemaGenerator().get_schema(request=None, public=True)
    schema = copy.copy(_schemas[language])  # only `servers` differs: a shallow copy
    schema["servers"] = [{"url": request.build_absolute_uri(get_script_prefix()).rstrip("/")}]
    return schema


@extend_schema(exclude=True)
class SchemaView(APIView):
    """The OpenAPI 3 schema of the API, its server the request's region."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [AddressThrottle]

    def get(self, request):
        return Response(schema_for(request))


@extend_schema(exclude=True)
class Root(PublicAPI, APIView):
    """Where each list is."""

    def get(self, request):
        names = ["regions", "priorities", "needs", "programs", "villages", "schema", "docs"]
        return Response(
            {name: request.build_absolute_uri(reverse(f"api:{name}")) for name in names}
        )


METHODS = ("get", "post", "put", "patch", "delete")


class DocsView(LaggingReadsMixin, TemplateView):
    """The API's documentation, drawn from its schema on the server: every operation, its
    parameters and answers, in the portal's language and layout (no script, no CDN)."""

    template_name = "api/docs.html"

    def get_context_data(self, **kwargs):
        schema = schema_for(self.request)
        operations = []
        for path, item in schema["paths"].items():
            for method in METHODS:
                if method in item:
                    operation = item[method]
                    operations.append(
                        {
                            "id": operation["operationId"],
                            "method": method.upper(),
                            "path": path,
                            "summary": operation.get("description", "").strip(),
                            "parameters": operation.get("parameters", []),
                            "responses": sorted(operation.get("responses", {})),
                        }
                    )
        return super().get_context_data(
            operations=operations,
            server=schema["servers"][0]["url"],
            rate=settings.API_RATE,
            **kwargs,
        )
