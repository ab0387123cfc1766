"""The yearly synchronisation round (sinkronisasi CSR) and the companies it invites."""

from django.apps import apps
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company, Sector
from core import tenancy
from core.db import ChoiceLabels
from planning.models import DevelopmentPlan, InRegionQuerySet, plan_region
from regions.models import Region


class RoundQuerySet(InRegionQuerySet, models.QuerySet):
    plan_path = "plan_id"

    def open(self):
        return self.filter(status=Round.Status.OPEN)

    def inviting(self, company_ids):
        """Open rounds to which one of these companies is invited."""
        return self.open().filter(invitations__company_id__in=company_ids).distinct()


class Round(ChoiceLabels, models.Model):
    """The yearly synchronisation round (sinkronisasi CSR): the planners invite companies to
    submit their programs for the coming year before a deadline, and meet them on a date."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Scope(models.TextChoices):
        ALL = "all", _("All companies")
        SECTORS = "sectors", _("Companies of some sectors")
        VILLAGES = "villages", _("Companies operating in some kelurahan")

    plan = models.ForeignKey(
        DevelopmentPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="rounds"
    )
    year = models.PositiveSmallIntegerField(_("program year"))
    title = models.CharField(_("title"), max_length=200)
    deadline = models.DateField(_("deadline for programs"))
    meeting_date = models.DateField(_("meeting date"))
    # Who is invited, as the planner chose it; the invitations are the companies it matched.
    scope = models.CharField(_("invite"), max_length=10, choices=Scope.choices, default=Scope.ALL)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    villages = models.ManyToManyField(
        Region, verbose_name=_("kelurahan"), related_name="+", blank=True
    )
    ring = models.PositiveSmallIntegerField(
        _("up to ring"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("Companies whose ring in those kelurahan is at most this."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("synchronisation round")
        verbose_name_plural = _("synchronisation rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year"],
                name="round_one_per_plan_year",
                violation_error_message=_("This plan already has a round for that year."),
            ),
            models.CheckConstraint(
                condition=Q(meeting_date__gte=models.F("deadline")),
                name="round_meeting_after_deadline",
                violation_error_message=_("The meeting must not come before the deadline."),
            ),
            models.CheckConstraint(
                condition=Q(ring__gte=1, ring__lte=3), name="round_ring_in_range"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return tenancy.reverse_in(plan_region(self.plan_id), "programs:round_detail", [self.pk])

    @property
    def workbook_subject(self) -> str:
        """Names its prepared workbooks (core.PreparedFile)."""
        return f"round-workbook:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def get_sectors_display(self) -> list[str]:
        names = Sector.objects.names()
        return [Sector.objects.label(value) for value in self.sectors if value in names]


class InvitationQuerySet(models.QuerySet):
    def with_progress(self):
        """Each invited company's programs in the round, counted by where they stand, their
        pledged Rupiah and the company's `stage`: one query, whatever the number of rows."""
        # The programs' modules import this one: their models are read from the registry.
        Program, Pledge, ProgramTransition = (
            apps.get_model("programs", name) for name in ("Program", "Pledge", "ProgramTransition")
        )
        S = Program.Status

        def count(*statuses):
            return models.Count("round_programs", filter=Q(round_programs__status__in=statuses))

        pledged = (
            Pledge.objects.filter(
                program__round=models.OuterRef("round"), program__company=models.OuterRef("company")
            )
            .exclude(program__status=S.DRAFT)  # a draft's content stays with its company
            .values("program__company")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        # The first sending, not `submitted_at` (a resubmission after a revision moves that).
        first_sent = (
            ProgramTransition.objects.filter(
                program__round=models.OuterRef("round"),
                program__company=models.OuterRef("company"),
                to_status=S.SUBMITTED,
            )
            .values("program__company")
            .annotate(first=models.Min("at"))
            .values("first")
        )
        Stage = Invitation.Stage
        # Joined on the company *and* the round: the company's other programs are never read.
        round_programs = models.FilteredRelation(
            "company__programs", condition=Q(company__programs__round=models.F("round"))
        )
        return self.annotate(round_programs=round_programs).annotate(
            drafts=count(S.DRAFT),
            in_review=count(S.SUBMITTED, S.REVISION),
            approved=count(*Program.COMMITTED),
            turned_down=count(S.REJECTED, S.CANCELLED),
            first_submitted=models.Subquery(first_sent, output_field=models.DateTimeField()),
            pledged=models.Subquery(pledged, output_field=models.BigIntegerField()),
            stage=models.Case(
                models.When(approved__gt=0, then=models.Value(Stage.APPROVED)),
                models.When(in_review__gt=0, then=models.Value(Stage.SUBMITTED)),
                models.When(turned_down__gt=0, then=models.Value(Stage.TURNED_DOWN)),
                models.When(drafts__gt=0, then=models.Value(Stage.DRAFT)),
                default=models.Value(Stage.NOTHING),
                output_field=models.CharField(),
            ),
        )


class Invitation(models.Model):
    """A company invited to a round, and when it was last reminded."""

    class Stage(models.TextChoices):
        """How far the company got, from its programs in the round (furthest first)."""

        APPROVED = "approved", _("Approved")
        SUBMITTED = "submitted", _("Submitted, under review")
        TURNED_DOWN = "turned_down", _("Rejected or cancelled")
        DRAFT = "draft", _("Draft started")
        NOTHING = "nothing", _("Nothing yet")

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="invitations"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="invitations"
    )
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["round", "company__name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["round", "company"], name="invitation_unique"),
        ]

    def __str__(self):
        return f"{self.company} · {self.round}"

    def get_additional_data(self) -> dict:
        return {"round": self.round_id}

    @property
    def is_late(self) -> bool:
        """Its first program in the round was submitted after the deadline."""
        first = getattr(self, "first_submitted", None)
        return bool(first) and timezone.localdate(first) > self.round.deadline

    @property
    def in_round(self) -> int:
        """The company's programs in the round, whatever their status."""
        return self.drafts + self.in_review + self.approved + self.turned_down

    @property
    def stage_label(self) -> str:
        return self.Stage(self.stage).label
