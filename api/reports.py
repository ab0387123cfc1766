"""Realization reports through a token: the reports its person reads here, and, for a token
made to file them, a company's drafts started and filled in as the portal's page does it: the
same forms (delivery.forms.report_forms), the same services, the same version check (a change
made meanwhile is refused, never overwritten), the same audit trail in the person's name.
Evidence, units ticked and the submission stay on the portal: an officer checks each draft.
"""

import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, prefetch_related_objects
from django.http import QueryDict
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from companies.models import Company
from core import audit, concurrency, permissions
from delivery import compliance, services
from delivery.filters import ComplianceFilter
from delivery.forms import report_forms
from delivery.models import OutputLine, Report, ReportLine
from programs.models import Program, UnitClaim

from . import errors, filters, serializers
from .views import Cursor, FilterBackend, Offset, TokenAPI

NOT_ALLOWED = _(
    "This token may not do this: it was not made to file reports, its person is no longer an "
    "officer of the company, or the report is no longer open to the company."
)
DUPLICATE = _("Another report of this program covers these dates.")
FIELDS = _("Some fields are not valid; see fields.")
NOT_THIS = {
    "lines": _("This report has no line for this pledge."),
    "outputs": _("This report has no line for this output."),
}
TWICE = _("Give each line once.")
COUNTED = _("This pledge covers units: its quantity is counted from the units ticked.")


# A report's rows, as the body names them: its lines by pledge, its outputs by output.
ROWS = (("lines", "pledge"), ("outputs", "output"))


def with_lines(reports) -> list[Report]:
    """`reports` with their lines and outputs (two queries more), each line carrying what it tells
    of its pledge or output as annotations, not as joined instances: a third of the list's
    CPU at national scale (docs/performance.md)."""
    covers = UnitClaim.objects.filter(pledge=OuterRef("pledge"))
    lines = ReportLine.objects.annotate(
        priority=F("pledge__priority__code"),
        need=F("pledge__need_id"),
        pledged=F("pledge__quantity"),
        covers_units=Exists(covers),
    ).order_by("pk")
    outputs = OutputLine.objects.annotate(
        indicator=F("output__indicator__name"),
        unit=F("output__indicator__unit"),
        target=F("output__target_quantity"),
    ).order_by("pk")
    reports = list(reports)
    prefetch_related_objects(reports, Prefetch("lines", lines), Prefetch("output_lines", outputs))
    return reports


def _flat(found, prefix="") -> dict:
    """A serializer's nested errors as {"lines.0.quantity": [...]}."""
    if isinstance(found, dict):
        flat = {}
        for key, value in found.items():
            flat.update(_flat(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if found and all(isinstance(item, dict) for item in found):
        flat = {}
        for position, value in enumerate(found):
            flat.update(_flat(value, f"{prefix}.{position}"))
        return flat
    return {prefix or "non_field_errors": [str(message) for message in found]}


def given(kind, request) -> dict:
    """The JSON body checked by the serializer `kind`; a 400 naming each field in each
    language. A form's body is refused (415) here: core.middleware.RejectNulMiddleware reads
    request.POST first, and DRF takes a multipart body read before it as an empty one."""
    if request.content_type.partition(";")[0].strip().lower() != "application/json":
        raise exceptions.UnsupportedMediaType(request.content_type)
    data = request.data
    serializer = kind(data=data)
    if serializer.is_valid():
        return serializer.validated_data

    def collect():
        again = kind(data=data)
        again.is_valid()
        return _flat(again.errors)

    raise errors.InvalidParameters(errors.fields_in_each_language(collect), FIELDS)


def _form_data(report: Report, body: dict, version: str) -> tuple[QueryDict, dict, dict]:
    """What the report's page would post: the values stored now, replaced by the body's.
    Also the body's position of each line given ({prefix: {row: position}}), and the
    problems of lines named wrongly (lazy messages by field)."""
    unbound = report_forms(report, units=False)
    form = unbound["form"]
    data = QueryDict(mutable=True)
    for name in form._meta.fields:
        value = body[name] if name in body else form.initial.get(name)
        if name != "final":
            data[name] = "" if value is None else str(value)
        elif value:
            data[name] = "on"
    data[concurrency.FIELD] = version or form.version_of(
        [list(unbound[key].get_queryset()) for key in ("lines", "outputs")]
    )
    positions, problems = {}, {}
    for key, by in ROWS:
        formset = unbound[key]
        rows = list(formset.get_queryset())
        index = {getattr(row, f"{by}_id"): row_number for row_number, row in enumerate(rows)}
        changes, positions[key] = {}, {}
        for position, item in enumerate(body.get(key, ())):
            row_number = index.get(item[by])
            if row_number is None:
                problems[f"{key}.{position}.{by}"] = [NOT_THIS[key]]
            elif row_number in changes:
                problems[f"{key}.{position}.{by}"] = [TWICE]
            elif "quantity" in item and getattr(rows[row_number], "covers_units", False):
                problems[f"{key}.{position}.quantity"] = [COUNTED]
            else:
                changes[row_number], positions[key][row_number] = item, position
        prefix = formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        for row_number, row in enumerate(rows):
            data[f"{prefix}-{row_number}-id"] = str(row.pk)
            for name in formset.form._meta.fields:
                if name == formset.fk.name:  # the inline's parent: the report itself
                    continue
                value = changes.get(row_number, {}).get(name, getattr(row, name))
                data[f"{prefix}-{row_number}-{name}"] = "" if value is None else str(value)
    return data, positions, problems


def _form_errors(forms: dict, positions: dict) -> dict:
    """The forms' errors by the body's names, in the active language."""
    found = {}
    for name, messages in forms["form"].errors.items():
        found["non_field_errors" if name == "__all__" else name] = list(messages)
    for key, by in ROWS:
        formset = forms[key]
        if formset.non_form_errors():
            found[key] = list(formset.non_form_errors())
        for row_number, row_errors in enumerate(formset.errors):
            # A row the body did not give: named by its pledge or output ("pledge:12").
            stored = getattr(formset.forms[row_number].instance, f"{by}_id")
            place = positions[key].get(row_number, f"{by}:{stored}")
            for name, messages in row_errors.items():
                found[f"{key}.{place}.{name}"] = list(messages)
    return found


def fill(report: Report, body: dict, *, by, version: str = "") -> None:
    """Save what `body` changes of the draft `report` through delivery.services.report_save,
    from `version` (the one its client read; the stored one for a draft just started). Raises
    the API's errors: 400 on a field, 409 on a change made meanwhile."""
    data, positions, problems = _form_data(report, body, version)
    if problems:
        raise errors.InvalidParameters(
            {name: errors.each_language(messages) for name, messages in problems.items()}, FIELDS
        )
    forms = report_forms(report, data, units=False)
    if not all(form.is_valid() for form in forms.values()):
        fields = errors.fields_in_each_language(
            lambda: _form_errors(report_forms(report, data, units=False), positions)
        )
        raise errors.InvalidParameters(fields, FIELDS)
    try:
        services.report_save(report=report, by=by, **forms)
    except concurrency.Stale as stale:
        raise errors.Refused(
            status=status.HTTP_409_CONFLICT,
            code="stale",
            message=concurrency.STALE,
            changes=stale.changes,
            version=stale.current,
        ) from None
    except ValidationError as problem:
        if not Report.objects.filter(pk=report.pk, status__in=Report.EDITABLE).exists():
            raise refuse() from None  # submitted meanwhile
        raise errors.InvalidParameters(errors.validation_fields(problem), FIELDS) from None


def refuse() -> errors.Refused:
    return errors.Refused(status=status.HTTP_403_FORBIDDEN, code="not_allowed", message=NOT_ALLOWED)


def duplicate(request, covering: Report) -> errors.Refused:
    return errors.Refused(
        status=status.HTTP_409_CONFLICT,
        code="duplicate",
        message=DUPLICATE,
        report=request.build_absolute_uri(covering.get_absolute_url()),
    )


class ReportAnswer:
    """Answers with a report as it now stands, with the version a change gives back."""

    serializer_class = serializers.VersionedReportSerializer

    def answer(self, report: Report, *, read_again: bool = True, **kwargs) -> Response:
        """`report` as it now stands: read again after a change (`read_again`), or as just
        read."""
        found = with_lines(Report.objects.filter(pk=report.pk) if read_again else [report])
        if not found:  # deleted meanwhile
            raise exceptions.NotFound
        shown = found[0]
        rows = [list(shown.lines.all()), list(shown.output_lines.all())]
        # The version of the very rows shown: a change made between two reads shows as stale.
        shown.version = report_forms(shown, units=False)["form"].version_of(rows)
        return Response(self.get_serializer(shown).data, **kwargs)

    def etag_content(self, response) -> bytes:
        """The version's moment left out: a client that has the same report gets 304."""
        data = response.data
        if isinstance(data, dict) and "version" in data:
            fingerprint = str(data["version"]).partition(".")[0]
            return json.dumps({**data, "version": fingerprint}, default=str).encode()
        return response.content


class OwnReports(TokenAPI):
    """The realization reports the token's person reads here, of the token's company when it
    has one."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        return self.of_token_company(
            Report.objects.visible_to(self.request.user), "program__company_id"
        )


class OwnReportList(OwnReports, generics.ListAPIView):
    """The realization reports the token's person reads here: an officer's company's (its
    drafts too), a planner's region's (submitted and beyond)."""

    serializer_class = serializers.ReportSerializer
    pagination_class = Cursor
    filter_backends = [FilterBackend]
    filterset_class = filters.OwnReportFilter

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(with_lines(page), many=True).data)


class OwnReportDetail(ReportAnswer, OwnReports, generics.GenericAPIView):
    """A report the token's person reads; a draft (or one returned) of the token's company
    changed by a token made to file reports: only the fields given, from the version read."""

    def get(self, request, pk):
        return self.answer(self.get_object(), read_again=False)

    @extend_schema(request=serializers.ReportChange)
    def patch(self, request, pk):
        body = given(serializers.ReportChange, request)
        with transaction.atomic(), audit.acting(request.user):
            report = self.get_object()
            if not (
                request.auth.files_reports and permissions.can_edit_report(request.user, report)
            ):
                raise refuse()
            fill(report, body, by=request.user, version=body["version"])
        return self.answer(report)


class ProgramReports(ReportAnswer, TokenAPI, generics.GenericAPIView):
    """Start the draft of a period of an approved or running program of the token's company,
    filled in with any of a change's fields: one request, all saved or nothing."""

    @extend_schema(
        request=serializers.ReportNew, responses={201: serializers.VersionedReportSerializer}
    )
    def post(self, request, pk):
        body = given(serializers.ReportNew, request)
        program = (
            self.of_token_company(Program.objects.visible_to(request.user)).filter(pk=pk).first()
        )
        if program is None:
            raise exceptions.NotFound
        if not (request.auth.files_reports and permissions.can_report(request.user, program)):
            raise refuse()
        period = {"period_start": body["period_start"], "period_end": body["period_end"]}
        if covering := Report(program=program, **period).overlapping().first():
            raise duplicate(request, covering)
        with transaction.atomic(), audit.acting(request.user):
            try:
                report = services.report_create(program=program, by=request.user, **period)
            except ValidationError as problem:
                if covering := Report(program=program, **period).overlapping().first():
                    raise duplicate(request, covering) from None  # started a moment ago
                raise errors.InvalidParameters(errors.validation_fields(problem), FIELDS) from None
            if set(body) - set(period):
                fill(report, body, by=request.user)
        answer = self.answer(report, status=status.HTTP_201_CREATED)
        answer["Location"] = request.build_absolute_uri(reverse("api:own_report", args=[report.pk]))
        return answer


class OwnCompliance(TokenAPI, generics.ListAPIView):
    """Reporting compliance, as the compliance page counts it: a planner's token every
    company the region follows, a company's token that company alone. Filtered and sorted
    with the page's words (`company`, `sector`, `missing`, `order`)."""

    serializer_class = serializers.ComplianceSerializer
    pagination_class = Offset
    filter_backends = [FilterBackend]
    filterset_class = ComplianceFilter

    @cached_property
    def everyone(self) -> bool:
        """Whether the answer covers every company the region follows (a token without a
        company, of one who sees every company); else the person's own companies, or the
        token's one."""
        auth = self.request.auth
        return auth.company_id is None and permissions.sees_all_companies(self.request.user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Company.objects.none()
        if self.everyone:
            return compliance.region_companies().order_by("name")
        own = Company.objects.filter(permissions.of_own_companies(self.request.user, "pk"))
        return self.of_token_company(own, "pk")

    def list(self, request, *args, **kwargs):
        filterset = FilterBackend.checked(request, self.get_queryset(), self)
        page = self.paginate_queryset(filterset.rows(everyone=self.everyone))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
