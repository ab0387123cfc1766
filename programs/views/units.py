"""The households, schools and sites behind a need (planning.models.target), with who holds them
(programs.claims): their list, a unit's page, its erasure, and a pledge's units picked.

A household's personal data is drawn only where core.permissions.sees_household_data allows,
and every page that draws it records the view (core.audit.personal_data_seen)."""

import dataclasses

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core import audit, permissions
from core.exports import workbook_response, write_sheet
from planning import services as planning_services
from planning.models import Need, TargetUnit

from .. import claims, exports
from ..forms import UnitEraseForm, UnitPickForm
from .program import get_editable_program

UNITS_PER_PAGE = 50  # as the other lists


def _visible_unit(request, pk) -> TargetUnit:
    """A unit of a need the user may read, or one its company holds (a closed need's)."""
    units = TargetUnit.objects.in_region().select_related("need__village", "need__priority")
    unit = get_object_or_404(units, pk=pk)
    holding = claims.holdings([unit.pk]).get(unit.pk)
    holder = holding is not None and permissions.is_officer_of(request.user, holding.company_id)
    if not holder and not Need.objects.visible_to(request.user).filter(pk=unit.need_id).exists():
        raise PermissionDenied
    return unit


def _rows(request, units) -> list[dict]:
    """Each unit with who holds it (a pledge under review or a draft's reservation named
    only to the planners and the holding company) and whether the user may see its
    personal data."""
    held = claims.holdings([unit.pk for unit in units])
    user = request.user
    rows = []
    for unit in units:
        holding = held.get(unit.pk)
        if (
            holding
            and holding.state in ("reserved", "held")
            and not permissions.plans_in(user, unit.region_code)
            and not permissions.is_officer_of(user, holding.company_id)
        ):
            holding = dataclasses.replace(holding, company="")
        personal = claims.sees_household(user, unit, held.get(unit.pk))
        rows.append({"unit": unit, "holding": holding, "personal": personal})
    return rows


class NeedUnitsView(LoginRequiredMixin, View):
    """A need's units: open, reserved, held, taken or delivered; the households' personal
    data for the region's planners and the companies holding them."""

    def get(self, request, pk):
        need = get_object_or_404(
            Need.objects.visible_to(request.user).select_related("village", "priority"), pk=pk
        )
        units = need.units.select_related("need__priority").neediest_first()
        page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
        rows = _rows(request, list(page.object_list))
        audit.personal_data_seen(
            by=request.user,
            units=[r["unit"].pk for r in rows if r["personal"] and r["unit"].is_household],
            why="need units",
            about=need,
        )
        return render(
            request,
            "programs/need_units.html",
            {
                "need": need,
                "rows": rows,
                "page_obj": page,
                "paginator": page.paginator,
                "deciles": claims.decile_figures(need.units.all()),
                "personal_columns": any(r["personal"] for r in rows),
                "can_export": permissions.plans_in(request.user, need.region_code),
            },
        )


class NeedUnitsExportView(LoginRequiredMixin, View):
    """A need's units with their personal data as a workbook, for the region's planners only;
    its first sheet says what it holds and who may keep it; the download is recorded."""

    def get(self, request, pk):
        need = get_object_or_404(Need.objects.visible_to(request.user), pk=pk)
        if not permissions.plans_in(request.user, need.region_code):
            raise PermissionDenied
        units = list(need.units.neediest_first())
        columns = exports.household_columns(claims.holdings([unit.pk for unit in units]))
        audit.personal_data_seen(
            by=request.user,
            units=[unit.pk for unit in units if unit.is_household and not unit.erased_at],
            why="export",
            about=need,
        )

        def fill(workbook):
            exports.household_notice(workbook, need=need, by=request.user)
            write_sheet(workbook, str(_("Units")), columns, units)

        return workbook_response(f"data-pribadi-{need.pk}", fill)


class UnitDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        unit = _visible_unit(request, pk)
        row = _rows(request, [unit])[0]
        if row["personal"] and unit.is_household:
            audit.personal_data_seen(by=request.user, units=[unit.pk], why="unit page", about=unit)
        planner = permissions.plans_in(request.user, unit.region_code)
        return render(
            request,
            "programs/unit_detail.html",
            {
                **row,
                "erase_form": UnitEraseForm() if planner and unit.is_household else None,
            },
        )


class UnitEraseView(LoginRequiredMixin, View):
    """A household's personal data erased on its request, by a planner of its region."""

    def post(self, request, pk):
        unit = _visible_unit(request, pk)
        if not permissions.plans_in(request.user, unit.region_code):
            raise PermissionDenied
        form = UnitEraseForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            planning_services.unit_erase(
                unit=unit, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as e:
            for problem in e.messages:
                messages.error(request, problem)
        else:
            messages.success(
                request, _("The household's personal data is erased; it still counts.")
            )
        return redirect(unit)


class PledgeUnitsView(LoginRequiredMixin, View):
    """The company's officer picks the units a pledge covers, or takes the portal's proposal
    (the poorest deciles and the most damaged first)."""

    template_name = "programs/pledge_units.html"

    def setup_pledge(self, request, pk, pledge_pk):
        program = get_editable_program(request, pk)
        if not permissions.can_pick_units(request.user, program):
            raise PermissionDenied
        pledge = get_object_or_404(
            program.pledges.select_related("need__village", "priority"), pk=pledge_pk
        )
        if pledge.need is None:
            raise PermissionDenied
        return program, pledge

    def form(self, pledge, data=None, proposal=False):
        initial = (
            claims.proposed(pledge)
            if proposal
            else list(pledge.claims.values_list("unit", flat=True))
        )
        return UnitPickForm(data, pledge=pledge, initial={"units": initial})

    def get(self, request, pk, pledge_pk):
        program, pledge = self.setup_pledge(request, pk, pledge_pk)
        form = self.form(pledge, proposal=bool(request.GET.get("propose")))
        return self.render(program, pledge, form)

    def post(self, request, pk, pledge_pk):
        program, pledge = self.setup_pledge(request, pk, pledge_pk)
        form = self.form(pledge, request.POST)
        if form.is_valid():
            try:
                claims.claims_set(
                    pledge=pledge,
                    unit_ids=form.cleaned_data["units"],
                    by=request.user,
                    loaded=form.cleaned_data["loaded_units"],
                )
            except claims.StalePicks as stale:
                form.add_error(None, stale)
                form.refuse_stale(stale.current)
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(request, _("The pledge's units are saved and reserved for it."))
                return redirect(program)
        return self.render(program, pledge, form)

    def render(self, program, pledge, form):
        return render(
            self.request,
            self.template_name,
            {"program": program, "pledge": pledge, "form": form},
        )
