"""The company's side: CSR programs with their pledges toward the plan, and their files."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from csrportal.uploads import random_upload_name
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


class ProgramQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Officers see their companies' programs; planners and admins every submitted one.

        Drafts stay private to the company until they are submitted.
        """
        if not user.is_authenticated:
            return self.none()
        own = Q(company_id__in=user.company_ids)
        if user.sees_all_companies:
            return self.filter(own | ~Q(status=Program.Status.DRAFT))
        return self.filter(own)

    def editable_by(self, user):
        """Officers change their company's drafts and programs sent back for revision."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(company_id__in=user.company_ids, status__in=Program.EDITABLE)

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


class Program(models.Model):
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
        _("total budget (Rp)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    beneficiaries = models.PositiveIntegerField(_("planned beneficiaries"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
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
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programs:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def get_sdgs_display(self) -> list[str]:
        return [Sdg(number).label for number in self.sdgs if number in Sdg.values]


class Pledge(models.Model):
    """A line of a program: a quantity and an amount toward a priority, ideally one need."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pledges")
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
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    amount = models.PositiveBigIntegerField(_("amount (Rp)"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["program", "pk"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
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


def _attachment_path(instance, filename: str) -> str:
    return random_upload_name("attachments", filename)


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal")
        PHOTO = "photo", _("Photo")
        OTHER = "other", _("Other document")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROPOSAL)
    file = models.FileField(_("file"), upload_to=_attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["program", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("programs:attachment", args=[self.program_id, self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ProgramTransition(models.Model):
    """One change of a program's status: who, when, from, to and why."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Program.Status.choices)
    to_status = models.CharField(max_length=20, choices=Program.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["program", "at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.program_id}: {self.from_status} → {self.to_status}"
