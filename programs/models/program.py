"""A company's CSR program: its statuses, its scope per user, its partners, its status changes, and
the company's committed programs per pillar (`Commitment`)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from core import permissions, tenancy
from core.db import ChoiceLabels
from core.limits import MAX_PEOPLE, MAX_RUPIAH
from core.models import Transition
from planning.models import DevelopmentPlan, InRegionQuerySet, Pillar, plan_region
from regions.models import Region

from .round import Round


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


class ProgramQuerySet(InRegionQuerySet, models.QuerySet):
    plan_path = "plan_id"

    def visible_to(self, user):
        """In the request's region, officers see their companies' programs; its planners and
        readers, and admins, every submitted one.

        Drafts stay private to the company until they are submitted.
        """
        if not user.is_authenticated:
            return self.none()
        own = permissions.of_own_companies(user)
        if permissions.sees_all_companies(user):
            return self.in_region().filter(own | ~Q(status=Program.Status.DRAFT))
        return self.in_region().filter(own)

    def editable_by(self, user):
        """Officers change their company's drafts and programs sent back for revision
        (permissions.can_edit_program, as a query), in the request's region."""
        if not user.is_authenticated:
            return self.none()
        return self.in_region().filter(
            permissions.of_own_companies(user), status__in=Program.EDITABLE
        )

    def for_list(self):
        """A list page's rows. Pledge totals are per-row subqueries, evaluated only for the
        rows of the page, never aggregated over the whole pledge table."""
        Pledge = self.model.pledges.rel.related_model
        pledges = Pledge.objects.filter(program=models.OuterRef("pk")).values("program")
        return (
            self.select_related("company")
            .only(
                "plan_id",  # its link names its region (get_absolute_url)
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
    # Under review or reporting: the planners may propose to steer its pledges
    # (programs.amendments); its company changes it only while reporting.
    STEERABLE = [Status.SUBMITTED, *REPORTING]

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
    # The company's multi-year CSR plan the program serves: its dates may then lie in that
    # plan's years as well as in the region's RPJMD years.
    strategic_plan = models.ForeignKey(
        "programs.StrategicPlan",
        verbose_name=_("company's strategic plan"),
        on_delete=models.SET_NULL,
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
        """In the program's region (its plan's, when read with the row: a link costs no query)."""
        plan_id = self.__dict__.get("plan_id")
        code = plan_region(plan_id) if plan_id else None
        return tenancy.reverse_in(code, "programs:detail", [self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The round it was read in: moving it to another round changes both rounds' counts.
        instance.loaded_round_id = instance.__dict__.get("round_id")
        return instance

    @property
    def region_code(self) -> str:
        """The code of the regency or city whose plan the program serves."""
        return plan_region(self.plan_id)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def get_sdgs_display(self) -> list[str]:
        numbers = self.sdgs if isinstance(self.sdgs, list) else []
        return [Sdg(number).label for number in numbers if number in Sdg.values]


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
