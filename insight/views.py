"""The dashboard (planners), the equity map and the public transparency pages (no login).

Public pages show only approved, running and completed programs, their companies, outputs
and verified delivery: never a draft, an undecided program, a file or a person.
"""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core import prepared, versions
from core.exports import XLSX_TYPE
from core.forms import posted_id
from core.models import PreparedFile
from core.pagination import count_at_most
from core.permissions import PlannerRequiredMixin, ReaderRequiredMixin
from core.replica import LaggingReadsMixin
from core.tasks import run_later
from core.uploads import serve_private
from delivery.models import Report
from planning.models import DevelopmentPlan, Need, TargetUnit
from programs import claims
from programs.models import Consultation, Pledge, Program, Round
from regions.models import Boundary, Region

from . import dashboard, figures, maps, overview, public, tasks, workbook

PUBLIC_CACHE_SECONDS = public.PUBLIC_CACHE_SECONDS


class PlanMixin:
    @cached_property
    def plan(self) -> DevelopmentPlan:
        plan = DevelopmentPlan.objects.select_related("city").current()
        if plan is None:
            raise Http404(_("No development plan has been entered yet."))
        return plan

    def year(self) -> int | None:
        """The year asked for (?year=), when it lies within the plan; None means all years."""
        year = posted_id(self.request.GET.get("year", ""))
        return year if year in self.plan.years else None


def metric_choice(request, plan):
    """(metric, priority, label of what the colours mean) from ?metric= and ?priority=."""
    metric = request.GET.get("metric", "gap")
    if metric not in figures.METRICS:
        metric = "gap"
    priority = None
    pk = posted_id(request.GET.get("priority", ""))
    if metric == "gap" and pk is not None:
        priority = plan.priorities.filter(pk=pk).first()
    if metric == "companies":
        label = _("Companies with an approved, running or completed program")
    elif metric == "csr":
        label = _("CSR pledged (Rp)")
    elif priority is not None:
        label = _("Unfunded gap: %(priority)s (%(unit)s)") % {
            "priority": priority.title,
            "unit": priority.get_unit_display(),
        }
    else:
        label = _("Unfunded gap, every priority (Rp)")
    return metric, priority, label


PROGRAMS_LISTED = 1000  # a public kecamatan or kelurahan page pages through at most these
CONSULTATIONS_SHOWN = 10  # a kelurahan's page: its latest consultations


class DashboardView(ReaderRequiredMixin, PlanMixin, TemplateView):
    """For a year of the plan (or all): each priority's progress in units and Rupiah, totals by
    pillar, sector and company, the largest unfunded needs, the kelurahan nobody works in and
    the programs awaiting a decision."""

    template_name = "insight/dashboard.html"

    def get_context_data(self, **kwargs):
        plan, year = self.plan, self.year()

        sums = dashboard.sums(plan, year)
        rows = sums["priorities"]
        awaiting_count, awaiting = figures.awaiting_decision()
        return super().get_context_data(
            plan=plan,
            year=year,
            totals={
                name: sum(getattr(r, name) for r in rows)
                for name in ("pledged_rupiah", "spent_rupiah", "unfunded_rupiah")
            },
            **sums,
            **dashboard.needs_lists(plan),
            awaiting_count=awaiting_count,
            awaiting=awaiting,
            to_verify=count_at_most(
                Report.objects.in_region().filter(status=Report.Status.SUBMITTED)
            ),
            map=public.equity_map(plan, "gap"),
            steered=figures.steering(plan, year),
            deciles=claims.decile_figures(TargetUnit.objects.filter(need__priority__plan=plan)),
            **kwargs,
        )


class PublicMixin(LaggingReadsMixin, PlanMixin):
    """Pages anyone may read: the city's plan and what companies committed to it (from a
    replica when there is one: they may lag a minute)."""

    programs_per_page = 20

    def get_context_data(self, **kwargs):
        # How long the templates keep their drawn fragments ({% cache %}), as the figures.
        return super().get_context_data(public_cache_seconds=PUBLIC_CACHE_SECONDS, **kwargs)

    @cached_property
    def committed(self):
        return Program.objects.filter(plan=self.plan, status__in=Program.COMMITTED)

    def committed_in(self, villages):
        """Committed programs working in, or pledging to needs of, `villages` (a queryset of
        regions): two indexed subqueries, never a join fanned out over pledges."""
        return self.committed.filter(
            Q(pk__in=Program.villages.through.objects.filter(region__in=villages).values("program"))
            | Q(pk__in=Pledge.objects.filter(need__village__in=villages).values("program"))
        )

    def programs_page(self, programs, place: str) -> dict:
        """One page of `programs` (by status, then title); a city's busiest kecamatan can hold
        thousands. The page's ids are cached five minutes per place, page and language, like
        the city page, and so is its drawing (`drawn` names it): the programs themselves are
        read only when the page is drawn again. (Read and unpickled on every view, their
        model instances' reference cycles cost a 50 ms garbage collection every 20 views.)"""
        number = posted_id(self.request.GET.get("page", ""))
        number = number if number and number < 100_000 else 1

        def read():
            # Plain ids (the first PROGRAMS_LISTED) and text: a cached Paginator would bring
            # its lazy error messages, each unpickled into a class of its own.
            ordered = programs.order_by("status", "title", "pk").values_list("pk", flat=True)
            return {"ids": list(ordered[:PROGRAMS_LISTED]), "drawn": secrets.token_hex(6)}

        key = f"insight:programs:{self.plan.pk}:{place}:{number}:{get_language()}"
        found = cache.get_or_set(key, read, PUBLIC_CACHE_SECONDS)
        paginator = Paginator(found["ids"], self.programs_per_page)
        try:
            page = paginator.page(number)
        except InvalidPage:
            page = paginator.page(1)
        rows = self.committed.filter(pk__in=list(page.object_list))
        rows = rows.order_by("status", "title", "pk")
        return {
            "page_obj": page,
            "paginator": paginator,
            # Names the drawing of this page (a cached fragment of the template).
            "drawn": f"{place}:{page.number}:{found['drawn']}",
            "programs": SimpleLazyObject(lambda: figures.public_programs(rows)),
        }


class PublicHomeView(PublicMixin, TemplateView):
    template_name = "insight/public_home.html"

    def get_context_data(self, **kwargs):
        plan = self.plan
        return super().get_context_data(plan=plan, **public.home_figures(plan.pk), **kwargs)


class MapView(PublicMixin, TemplateView):
    template_name = "insight/map.html"

    def get_context_data(self, **kwargs):
        metric, priority, label = metric_choice(self.request, self.plan)
        shown = public.equity_map(self.plan, metric, priority)
        ranked = sorted(shown.villages, key=lambda s: (-s.value, s.region.code)) if shown else []
        return super().get_context_data(
            plan=self.plan,
            map=shown,
            ranked=ranked,
            metric=metric,
            metric_label=label,
            metrics=[
                ("gap", _("Unfunded gap")),
                ("csr", _("CSR pledged (Rp)")),
                ("companies", _("Companies active")),
            ],
            priority=priority,
            priority_choices=self.plan.priorities.order_by("code"),
            rupiah=metric == "csr" or (metric == "gap" and priority is None),
            **kwargs,
        )


class DistrictView(PublicMixin, TemplateView):
    template_name = "insight/public_district.html"

    def get_context_data(self, **kwargs):
        district = get_object_or_404(
            Region.objects.districts().within(self.plan.city), code=self.kwargs["code"]
        )
        villages = list(district.children.order_by("name"))
        programs = self.committed_in(Region.objects.filter(parent=district))
        return super().get_context_data(
            plan=self.plan,
            district=district,
            villages=villages,
            **self.programs_page(programs, district.code),
            **kwargs,
        )


class VillageOutlineView(TemplateView):
    """A kelurahan's outline alone, drawn to place a site on (static/js/site-picker.js); public
    like the map it is part of. 404 without an outline."""

    template_name = "insight/includes/_outline.html"

    def get_context_data(self, **kwargs):
        boundary = get_object_or_404(
            Boundary.objects.select_related("region"),
            region__pk=self.kwargs["pk"],
            region__level=Region.Level.VILLAGE,
        )
        return super().get_context_data(
            region=boundary.region, outline=maps.outline(boundary), **kwargs
        )


class VillageView(PublicMixin, TemplateView):
    """A kelurahan's page, to link and share: its needs against the plan, and the programs
    working there with their outputs and verified delivery."""

    template_name = "insight/public_village.html"

    def get_context_data(self, **kwargs):
        village = get_object_or_404(
            Region.objects.villages().within(self.plan.city).select_related("parent"),
            code=self.kwargs["code"],
        )
        # Read only when the needs' table is drawn again: it is kept while no need changes.
        needs = (
            Need.objects.filter(priority__plan=self.plan, village=village)
            .select_related("priority")
            .order_by("priority__code", "pk")
        )
        programs = self.committed_in(Region.objects.filter(pk=village.pk))
        # That a consultation took place, and on what: never who took part nor what they
        # agreed (the company's and the planners' to read).
        # Read only when the section is drawn again (token `consultations`).
        consultations = (
            Consultation.objects.filter(villages=village)
            .select_related("company")
            .only("kind", "held_on", "topics", "company__name", "company__slug")
            .order_by("-held_on", "-pk")[:CONSULTATIONS_SHOWN]
        )
        return super().get_context_data(
            plan=self.plan,
            village=village,
            needs=needs,
            consultations=consultations,
            consultations_version=versions.current("consultations"),
            needs_version=versions.current("needs"),
            **self.programs_page(programs, village.code),
            **kwargs,
        )


class RoundWorkbookView(PlannerRequiredMixin, View):
    """Ask for the synchronisation round's workbook (insight.workbook): prepared by the worker
    (seconds for thousands of companies), then offered on the round's page."""

    def post(self, request, pk):
        round = get_object_or_404(Round.objects.in_region(), pk=pk)  # the region's own
        file, new = prepared.ask(
            subject=round.workbook_subject, filename=workbook.filename(round), by=request.user
        )
        if new:
            run_later(tasks.prepare_round_workbook, file.pk, round.pk)
            file.refresh_from_db(fields=["status"])  # without a worker it was made just now
            if file.status == file.Status.READY:
                messages.success(request, _("The workbook is ready: download it below."))
            else:
                messages.success(
                    request,
                    _("The workbook is being prepared: it will be offered here in a moment."),
                )
        else:
            messages.info(request, _("The workbook is being prepared already."))
        return redirect(f"{round.get_absolute_url()}#workbook")


class RoundWorkbookFileView(PlannerRequiredMixin, View):
    """A prepared workbook of the round, to the planners only."""

    def get(self, request, pk, file_pk):
        round = get_object_or_404(Round.objects.in_region(), pk=pk)  # the region's own
        file = get_object_or_404(
            PreparedFile,
            pk=file_pk,
            subject=round.workbook_subject,
            status=PreparedFile.Status.READY,
        )
        return serve_private(
            file.file, filename=file.filename, content_type=XLSX_TYPE, inline=False
        )


class OverviewView(LaggingReadsMixin, TemplateView):
    """Every served regency and city of a province (or of the country) side by side: target,
    pledged, delivered and gap in units and Rupiah, companies active and reporting; sortable;
    a map of the regencies coloured by the unfunded gap. Public, as the regency pages are."""

    template_name = "insight/overview.html"

    def get_context_data(self, **kwargs):
        code = self.kwargs.get("code")
        province = None
        if code is not None:
            province = get_object_or_404(Region, code=code, level=Region.Level.PROVINCE)
        found = public.overview_figures(province.code if province else None)
        sort = self.request.GET.get("sort", "name")
        sort = sort if sort.removeprefix("-") in overview.SORTS else "name"
        return super().get_context_data(
            province=province,
            rows=found["overview"].sorted_by(sort),
            totals=found["overview"].totals,
            sort=sort,
            headers=overview.HEADERS,
            map=found["map"],
            provinces=found["provinces"],
            public_cache_seconds=PUBLIC_CACHE_SECONDS,
            **kwargs,
        )
