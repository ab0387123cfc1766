"""The synchronisation rounds' pages: the list, the form, a round's invited companies, closing and
reminding."""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import ListView
from django_filters.views import FilterView

from core import concurrency, prepared
from core.exports import ExportMixin
from core.forms import posted_id
from core.pagination import NeverPastTheEndMixin
from core.permissions import PlannerRequiredMixin, ReaderRequiredMixin
from planning.models import DevelopmentPlan

from .. import exports, rounds
from ..filters import InvitationFilter
from ..forms import (
    RoundForm,
)
from ..models import (
    Invitation,
    Program,
    Round,
)


def get_round(pk) -> Round:
    return get_object_or_404(Round.objects.in_region().select_related("plan__city"), pk=pk)


class RoundListView(ReaderRequiredMixin, ListView):
    """Every synchronisation round, the open ones first, with how many companies answered (its
    readers read it too; only its planners open, change, remind or close)."""

    template_name = "programs/round_list.html"
    context_object_name = "rounds"

    def get_queryset(self):
        invited = Invitation.objects.filter(round=OuterRef("pk")).values("round")
        answered = Program.objects.filter(round=OuterRef("pk")).exclude(status=Program.Status.DRAFT)
        return (
            Round.objects.in_region()
            .select_related("plan")
            .annotate(
                invited=Subquery(invited.annotate(n=Count("pk")).values("n")),
                companies_answered=Subquery(
                    answered.values("round").annotate(n=Count("company", distinct=True)).values("n")
                ),
            )
            .order_by("status", "-year")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=DevelopmentPlan.objects.current(), **kwargs)


class RoundFormView(PlannerRequiredMixin, View):
    """Open a round for the current plan, or change an open one."""

    template_name = "programs/round_form.html"

    def setup_round(self, pk):
        if pk is None:
            plan = DevelopmentPlan.objects.current()
            if plan is None:
                raise Http404(_("No development plan has been entered yet."))
            year = min(max(timezone.localdate().year + 1, plan.first_year), plan.last_year)
            return Round(
                plan=plan, year=year, title=_("CSR synchronisation %(year)s") % {"year": year}
            ), plan
        round = get_round(pk)
        if not round.is_open:
            raise PermissionDenied
        return round, round.plan

    def get(self, request, pk=None):
        round, plan = self.setup_round(pk)
        return self.render(RoundForm(instance=round, plan=plan), round)

    def post(self, request, pk=None):
        round, plan = self.setup_round(pk)
        form = RoundForm(request.POST, instance=round, plan=plan)
        if form.is_valid():
            try:
                round, invited, dropped = rounds.round_save(form=form, by=request.user)
            except concurrency.Stale as stale:
                form.refuse_stale(stale)
                return self.render(form, round)
            except ValidationError as e:
                for problem in e.messages:
                    messages.error(request, problem)
                return redirect("programs:round_list")
            messages.success(
                request,
                ngettext(
                    "The round is saved; %(count)s company is newly invited.",
                    "The round is saved; %(count)s companies are newly invited.",
                    invited,
                )
                % {"count": invited},
            )
            if dropped:
                messages.info(
                    request,
                    ngettext(
                        "%(count)s company is no longer invited.",
                        "%(count)s companies are no longer invited.",
                        dropped,
                    )
                    % {"count": dropped},
                )
            return redirect(round)
        return self.render(form, round)

    def render(self, form, round):
        return render(self.request, self.template_name, {"form": form, "round": round})


class RoundDetailView(ReaderRequiredMixin, ExportMixin, NeverPastTheEndMixin, FilterView):
    """A round's invited companies and where each stands, with reminders and the closing."""

    filterset_class = InvitationFilter
    template_name = "programs/round_detail.html"
    context_object_name = "invitations"
    paginate_by = 50
    exports = {"invitations": gettext_lazy("Invited companies")}

    def dispatch(self, request, *args, **kwargs):
        self.round = get_round(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        # Prefetched, not joined: the counts' GROUP BY then carries no company columns (at
        # 5,000 companies PostgreSQL sorted that wide join on disk for every page).
        return (
            self.round.invitations.with_progress()
            .prefetch_related("company", "round")
            .order_by("company__name")
        )

    def export(self, kind, queryset):
        return exports.invitation_columns(), queryset.iterator(chunk_size=1000)

    @cached_property
    def stages(self) -> dict[str, int]:
        """How many invited companies stand at each stage (kept: programs.rounds)."""
        return rounds.stage_counts(self.round)

    def get_paginator(self, queryset, *args, **kwargs):
        """Rows counted from the stages when only the stage (or nothing) narrows them: at
        5,000 companies a count of its own aggregates every program of the round again."""
        paginator = super().get_paginator(queryset, *args, **kwargs)
        filterset = self.filterset
        data = filterset.form.cleaned_data if filterset.is_valid() else None
        if not filterset.is_bound:  # no query string: every invitation
            data = {}
        if data is not None and not data.get("company") and not data.get("sector"):
            stage = data.get("stage")
            paginator.count = self.stages.get(stage, 0) if stage else sum(self.stages.values())
        return paginator

    def get_context_data(self, **kwargs):
        stages = self.stages
        return super().get_context_data(
            round=self.round,
            decides=self.request.user.is_planner,  # readers read, only planners act
            workbook=prepared.latest(self.round.workbook_subject),
            stages=[(stage, stages.get(stage.value, 0)) for stage in Invitation.Stage],
            invited=sum(stages.values()),
            missing=sum(stages.get(stage, 0) for stage in rounds.MISSING),
            **kwargs,
        )


class RoundCloseView(PlannerRequiredMixin, View):
    def post(self, request, pk):
        try:
            rounds.round_close(round=get_round(pk), by=request.user)
        except ValidationError as e:
            messages.error(request, e.messages[0])
        else:
            messages.success(request, _("The round is closed. Its results stay here."))
        return redirect("programs:round_detail", pk)


class RoundRemindView(PlannerRequiredMixin, View):
    """Email the companies that have submitted nothing yet: all of them, or one (`company`)."""

    def post(self, request, pk):
        company = request.POST.get("company", "")
        company_ids = None
        if company:
            if (company_id := posted_id(company)) is None:
                raise Http404
            company_ids = [company_id]
        try:
            count = rounds.round_remind(
                round=get_round(pk), by=request.user, company_ids=company_ids
            )
        except ValidationError as e:
            messages.error(request, e.messages[0])
        else:
            if count:
                messages.success(
                    request,
                    ngettext(
                        "A reminder is sent to %(count)s company.",
                        "Reminders are sent to %(count)s companies.",
                        count,
                    )
                    % {"count": count},
                )
            else:
                messages.info(request, _("Every invited company has submitted: nobody to remind."))
        return redirect("programs:round_detail", pk)
