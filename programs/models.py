"""The company's side: CSR programs with their pledges toward the plan, and their files."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company, Sector
from core import permissions
from core.db import ChoiceLabels
from core.limits import MAX_PEOPLE, MAX_QUANTITY, MAX_RUPIAH
from core.links import object_url
from core.models import StoredFile, Transition
from core.uploads import random_upload_name
from planning.models import DevelopmentPlan, Need, Pillar, Priority
from regions.models import Region


class Sdg(models.IntegerChoices):
    NO_POVERTY = 1, _("1 No poverty")
    ZERO_HUNGER = 2, _("2 Zero hunger")
    HEALTH = 3, _("3 Good health and well-being")
    EDUCATION = 4, _("4 Quality education")
    GENDER = 5, _("5 Gender equality")
    WATER = 6, _("6 Clean water and sanitation")
    ENERGY = 7, _("7 Affordable and clean energy")
    WORK = 8, _("8 Decent work and economic growth")
    INDUSTRY = 9, _("9 Industry, innovation and infrastructure")
    INEQUALITY = 10, _("10 Reduced inequalities")
    CITIES = 11, _("11 Sustainable cities and communities")
    CONSUMPTION = 12, _("12 Responsible consumption and production")
    CLIMATE = 13, _("13 Climate action")
    LIFE_WATER = 14, _("14 Life below water")
    LIFE_LAND = 15, _("15 Life on land")
    PEACE = 16, _("16 Peace, justice and strong institutions")
    PARTNERSHIPS = 17, _("17 Partnerships for the goals")


class RoundQuerySet(models.QuerySet):
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
        return object_url("programs:round_detail", self.pk)

    @property
    def workbook_subject(self) -> str:
        """Names its prepared workbooks (core.PreparedFile)."""
        return f"round-workbook:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def get_sectors_display(self) -> list[str]:
        return [Sector(value).label for value in self.sectors if value in Sector.values]


class InvitationQuerySet(models.QuerySet):
    def with_progress(self):
        """Each invited company's programs in the round, counted by where they stand, their
        pledged Rupiah and the company's `stage`: one query, whatever the number of rows."""
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


class ProgramQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Officers see their companies' programs; planners and admins every submitted one.

        Drafts stay private to the company until they are submitted.
        """
        if not user.is_authenticated:
            return self.none()
        own = permissions.of_own_companies(user)
        if permissions.sees_all_companies(user):
            return self.filter(own | ~Q(status=Program.Status.DRAFT))
        return self.filter(own)

    def editable_by(self, user):
        """Officers change their company's drafts and programs sent back for revision
        (permissions.can_edit_program, as a query)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(permissions.of_own_companies(user), status__in=Program.EDITABLE)

    def for_list(self):
        """A list page's rows. Pledge totals are per-row subqueries, evaluated only for the
        rows of the page, never aggregated over the whole pledge table."""
        pledges = Pledge.objects.filter(program=models.OuterRef("pk")).values("program")
        return (
            self.select_related("company")
            .only(
                "title",
                "status",
                "budget",
                "submitted_at",
                "updated_at",
                "start_date",
                "end_date",
                "company__name",
                "company__slug",
            )
            .annotate(
                pledge_count=models.Subquery(
                    pledges.annotate(n=models.Count("pk")).values("n"),
                    output_field=models.IntegerField(),
                ),
                pledged_amount=models.Subquery(
                    pledges.annotate(total=Sum("amount")).values("total"),
                    output_field=models.BigIntegerField(),
                ),
            )
        )


class Program(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVISION = "revision", _("Revision requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    EDITABLE = [Status.DRAFT, Status.REVISION]
    # Statuses whose pledges count as promised toward their needs.
    COMMITTED = [Status.APPROVED, Status.IN_PROGRESS, Status.COMPLETED]
    # Approved or running: what it delivers is reported, quarter by quarter.
    REPORTING = [Status.APPROVED, Status.IN_PROGRESS]

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="programs"
    )
    plan = models.ForeignKey(
        DevelopmentPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="programs"
    )
    title = models.CharField(_("title"), max_length=255)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    pillar = models.CharField(_("pillar"), max_length=20, choices=Pillar.choices, blank=True)
    sdgs = models.JSONField(_("SDG goals"), default=list, blank=True)
    villages = models.ManyToManyField(
        Region, verbose_name=_("target villages"), related_name="programs", blank=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.PositiveBigIntegerField(
        _("total budget (Rp)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RUPIAH)],
    )
    beneficiaries = models.PositiveIntegerField(
        _("planned beneficiaries"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_PEOPLE)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    round = models.ForeignKey(
        Round,
        verbose_name=_("synchronisation round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programs",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("CSR program")
        verbose_name_plural = _("CSR programs")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="program_ends_after_start",
                violation_error_message=_("The program must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gt=0),
                name="program_budget_positive",
                violation_error_message=_("The budget must be more than zero."),
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status"], name="program_company_status"),
            # The inbox's default order (newest submission first) has a PostgreSQL index of
            # its own: SQLite cannot index NULLS LAST (migration 0002).
            models.Index(fields=["budget"], name="program_budget"),
            models.Index(fields=["updated_at"], name="program_updated"),
            # The inbox's status and pillar filters; matching's committed programs of a pillar.
            models.Index(fields=["status", "pillar", "company"], name="program_status_pillar"),
            # The dashboard's "awaiting a decision": the oldest submissions first.
            models.Index(fields=["status", "submitted_at", "id"], name="program_status_submitted"),
            # A round's page: each invited company's programs in the round, and their pledges;
            # with status and id (PostgreSQL), the counts per status read the index alone.
            models.Index(
                fields=["round", "company"], include=["status", "id"], name="program_round_company"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("programs:detail", self.pk)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def get_sdgs_display(self) -> list[str]:
        numbers = self.sdgs if isinstance(self.sdgs, list) else []
        return [Sdg(number).label for number in numbers if number in Sdg.values]


class Commitment(models.Model):
    """A company's approved, running and completed programs under one pillar: how many and
    their budgets. Kept by `programs.commitments` whenever a program enters or leaves those
    statuses or a committed program's pillar or budget is corrected, so that "the companies
    with the most programs under this pillar" is read from a few thousand rows, not counted
    over every program in the country."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="commitments"
    )
    pillar = models.CharField(_("pillar"), max_length=20, choices=Pillar.choices, blank=True)
    programs = models.PositiveIntegerField(_("programs"))
    budget = models.PositiveBigIntegerField(_("total budget (Rp)"))

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(fields=["company", "pillar"], name="commitment_unique"),
            models.CheckConstraint(condition=Q(programs__gt=0), name="commitment_programs"),
        ]
        indexes = [
            models.Index("pillar", models.F("programs").desc(), "company", name="commitment_top"),
        ]

    def __str__(self):
        return f"{self.company_id} {self.pillar}: {self.programs}"


class Pledge(models.Model):
    """A line of a program: a quantity and an amount toward a priority, ideally one need."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="pledges"
    )
    priority = models.ForeignKey(
        Priority, verbose_name=_("priority"), on_delete=models.PROTECT, related_name="pledges"
    )
    need = models.ForeignKey(
        Need,
        verbose_name=_("need"),
        on_delete=models.PROTECT,
        related_name="pledges",
        null=True,
        blank=True,
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    amount = models.PositiveBigIntegerField(
        _("amount (Rp)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_RUPIAH)]
    )
    # What verified realization reports say was delivered and spent, in total. Moved only by
    # the verification service (delivery.services), under lock; check_ledger recounts them.
    delivered_quantity = models.PositiveIntegerField(_("delivered"), default=0, editable=False)
    spent_amount = models.PositiveBigIntegerField(_("spent (Rp)"), default=0, editable=False)

    class Meta:
        ordering = ["program", "pk"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(
                condition=Q(delivered_quantity__lte=models.F("quantity")),
                name="pledge_not_overdelivered",
                violation_error_message=_("More is delivered than the pledge promised."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="pledge_quantity_positive",
                violation_error_message=_("The quantity must be a positive whole number."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="pledge_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            # On PostgreSQL a composite foreign key (migration 0002) also makes sure that a
            # pledge's need belongs to the pledge's priority.
        ]

    def __str__(self):
        return f"{self.quantity} × {self.priority.code}"

    def get_additional_data(self) -> dict:
        """Kept with each audit entry, so the program's history shows its pledges."""
        return {"program": self.program_id}

    def clean(self):
        # PostgreSQL also holds this as a composite foreign key (migration 0002).
        if self.need_id and self.priority_id and self.need.priority_id != self.priority_id:
            raise ValidationError({"need": _("This need belongs to another priority.")})

    def lies_outside(self, village_ids: set[int]) -> bool:
        """Toward a need outside the program's target kelurahan (`village_ids`, when any)."""
        return (
            bool(village_ids)
            and self.need_id is not None
            and (self.need.village_id not in village_ids)
        )


class IndicatorQuerySet(models.QuerySet):
    def usable_by(self, company_id: int | None):
        """Approved indicators, and those the company proposed itself."""
        return self.filter(Q(approved=True) | Q(proposed_by=company_id)).order_by("name")


class OutputIndicator(models.Model):
    """What a program produces besides its pledges, as administrators list it ("solar lighting
    units", "business groups (KUB)"); an officer may propose one, usable at once by their
    company, for everyone once an administrator approves it."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    unit = models.CharField(_("unit"), max_length=40)
    approved = models.BooleanField(_("approved"), default=True)
    proposed_by = models.ForeignKey(
        Company,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("output indicator")
        verbose_name_plural = _("output indicators")

    def __str__(self):
        return f"{self.name} ({self.unit})"


class ProgramOutput(models.Model):
    """An output a program promises, where: "11 solar lighting units, Taman Geger Cilegon"."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="outputs"
    )
    indicator = models.ForeignKey(
        OutputIndicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="outputs",
    )
    target_quantity = models.PositiveIntegerField(
        _("target"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PEOPLE)]
    )
    village = models.ForeignKey(
        Region,
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        related_name="program_outputs",
        null=True,
        blank=True,
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    site = models.CharField(
        _("site"), max_length=120, blank=True, help_text=_("E.g. Taman Geger Cilegon.")
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-11), MaxValueValidator(6)],  # Indonesia
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(94), MaxValueValidator(142)],
    )

    class Meta:
        ordering = ["program", "pk"]
        verbose_name = _("program output")
        verbose_name_plural = _("program outputs")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_quantity__gt=0), name="output_target_positive"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="output_coordinates_paired",
                violation_error_message=_("Give both the latitude and the longitude, or neither."),
            ),
        ]

    def __str__(self):
        return f"{self.target_quantity} {self.indicator.unit} · {self.indicator.name}"

    def get_additional_data(self) -> dict:
        return {"program": self.program_id}

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                {"longitude": _("Give both the latitude and the longitude, or neither.")}
            )


class ProgramPartner(models.Model):
    """Who delivers a program with the company: a company of the registry or a named
    organisation (a community group, a village government, an NGO), and its role."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        COMMUNITY = "community", _("Community group (KSM, KUB)")
        VILLAGE = "village", _("Village government")
        NGO = "ngo", _("NGO or foundation")
        GOVERNMENT = "government", _("Government agency")
        OTHER = "other", _("Other")

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="partners"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
    )
    name = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)

    class Meta:
        ordering = ["program", "pk"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="company", company__isnull=False, name=""))
                | (~Q(kind="company") & Q(company__isnull=True) & ~Q(name="")),
                name="partner_company_or_named",
                violation_error_message=_(
                    "Choose a company of the registry, or name the organisation."
                ),
            ),
        ]

    def __str__(self):
        return self.company.name if self.company_id else self.name

    def get_additional_data(self) -> dict:
        return {"program": self.program_id}

    def clean(self):
        if self.kind == self.Kind.COMPANY and not self.company_id:
            raise ValidationError({"company": _("Choose the partner company.")})
        if self.kind != self.Kind.COMPANY:
            if self.company_id:
                raise ValidationError(
                    {"kind": _("A company of the registry is a partner of the kind company.")}
                )
            if not self.name.strip():
                raise ValidationError({"name": _("Name the organisation.")})
        elif self.name:
            self.name = ""


def _attachment_path(instance, filename: str) -> str:
    """Named by migrations 0001 and 0006; the files are now named by core.models."""
    return random_upload_name("attachments", filename)


class Attachment(StoredFile):
    """A program's proposal, photo or other document (core.models.StoredFile)."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal")
        PHOTO = "photo", _("Photo")
        OTHER = "other", _("Other document")

    folder = "attachments"

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROPOSAL)

    class Meta:
        ordering = ["program", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def get_absolute_url(self):
        return reverse("programs:attachment", args=[self.program_id, self.pk])

    def get_additional_data(self) -> dict:
        """Kept with each audit entry, so the program's history shows its files."""
        return {"program": self.program_id}


class ProgramTransition(Transition):
    """One change of a program's status (programs.workflow)."""

    subject_field = "program"

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from status"), max_length=20, choices=Program.Status.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=Program.Status.choices)

    class Meta:
        ordering = ["program", "at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
