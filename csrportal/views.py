import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from api import errors as api_errors
from companies.models import Company
from core import permissions, tasks, tenancy
from core.pagination import count_at_most
from delivery import duties
from delivery.models import Report
from insight.views import DashboardView
from planning.models import DevelopmentPlan
from programs.models import Invitation, Program, Round
from regions.models import current_city


@login_required
@require_safe
def home(request):
    """Each side's to-do list: what waits for the region's planners; the officer's
    revisions, returned and owed reports in every region, each linked into its region. A
    planner of one other region, arriving without a region in the path, lands in it."""
    user = request.user
    planned, read = user.planned_codes, user.read_codes
    if not getattr(request, "region_prefixed", False):
        if len(planned) == 1 and not user.is_planner:
            with tenancy.serving(planned[0]):
                return redirect("home")
        if read and not (planned or user.is_officer or user.is_staff):
            return redirect(_overview_of(read[0]))  # a province's planner: its regencies
    if user.is_planner and not user.is_officer and DevelopmentPlan.objects.current():
        return DashboardView.as_view()(request)  # the planner's home is the dashboard
    context = {"city": current_city()}
    if user.is_officer:
        own = Program.objects.filter(permissions.of_own_companies(user))
        context["my_companies"] = Company.objects.filter(
            permissions.of_own_companies(user, "pk")
        ).for_list()
        revisions = own.filter(status=Program.Status.REVISION).select_related("plan__city")
        context["revisions"] = _linked(revisions.order_by("title"), lambda p: p)
        returned = Report.objects.filter(program__in=own, status=Report.Status.RETURNED)
        context["returned"] = _linked(returned.select_related("program__plan__city"), _program)
        context["owed"] = _linked(duties.reports_owed(own.select_related("plan__city")), _program)
        context["several_regions"] = (
            len({item.region for key in ("revisions", "returned", "owed") for item in context[key]})
            > 1
        )
        # The open rounds of every region that invites the company, each leading into its region.
        context["invitations"] = list(
            Invitation.objects.filter(
                permissions.of_own_companies(user), round__status=Round.Status.OPEN
            )
            .with_progress()
            .select_related("round__plan__city", "company")
            .order_by("round__deadline", "company__name")
        )
        for invitation in context["invitations"]:
            with tenancy.serving(invitation.round.plan.city.code):
                invitation.create_url = reverse("programs:create")
                invitation.list_url = reverse("programs:list")
    if user.sees_all_companies:
        context["company_count"] = Company.objects.count()
    if user.is_planner:
        context["to_review"] = count_at_most(
            Program.objects.in_region().filter(status=Program.Status.SUBMITTED)
        )
        context["to_verify"] = count_at_most(
            Report.objects.in_region().filter(status=Report.Status.SUBMITTED)
        )
    return render(request, "home.html", context)


def _program(item):
    return item.program


def _linked(items, program_of) -> list:
    """Each item (a program, a report, a report owed) with `url`, its page in its program's
    region, and `region`, that region's name."""
    items = list(items)
    for item in items:
        program = program_of(item)
        with tenancy.serving(program.plan.city.code):
            if isinstance(item, duties.Owed):
                draft = item.draft
                item.url = draft.get_absolute_url() if draft else None
                item.url = item.url or reverse("delivery:create", args=[program.pk])
            else:
                item.url = item.get_absolute_url()
        item.region = program.plan.city.name
    return items


def _overview_of(code: str) -> str:
    if not code:
        return reverse("insight:overview")
    if len(code) == 2:
        return reverse("insight:overview_province", args=[code])
    with tenancy.serving(code):
        return reverse("home")


# Seconds a client should wait before trying again while the database is away.
RETRY_AFTER = 30


def bad_request(request, exception):
    """The 400 handler: JSON under the API, the portal's page elsewhere."""
    if api_errors.is_api(request):
        return api_errors.bad_request(request)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    """The 404 handler: JSON under the API (an unserved region's code), the page elsewhere."""
    if api_errors.is_api(request):
        return api_errors.page_not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """The 500 handler: a database that does not answer is an outage, not a bug, so the page
    says 503 with Retry-After, rendered without touching the database."""
    error = sys.exc_info()[1]
    outage = isinstance(error, OperationalError | InterfaceError)
    if api_errors.is_api(request):
        response = api_errors.server_error(request, outage=outage)
        if outage:
            response["Retry-After"] = str(RETRY_AFTER)
        return response
    if outage:
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return defaults.server_error(request)


def _state(answers) -> str:
    return "ok" if answers() else "unavailable"


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: 200 while the database answers (the portal serves
    every page, perhaps more slowly), 503 when it does not. The body says each dependency's
    state: "ok", "unavailable", or "not used" (no Redis: a cache per process; no broker:
    background work done in the request). "status" is "degraded" while a helper is away."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError:
        database = "unavailable"
    shared = caches["default"]
    checks = {
        "database": database,
        "cache": _state(shared.ping) if hasattr(shared, "ping") else "not used",
        "task_queue": (
            "not used" if settings.CELERY_TASK_ALWAYS_EAGER else _state(tasks.broker_answers)
        ),
    }
    if database != "ok":
        status = "unavailable"
    elif "unavailable" in checks.values():
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse({"status": status, **checks}, status=503 if database != "ok" else 200)
