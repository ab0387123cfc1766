"""A company's CSR strategy: its multi-year plans (Renstra) and the consultations with the
people of its villages (FGD, social mapping, village meetings) that shape its programs."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from core import permissions, tenancy
from core.db import ChoiceLabels
from core.limits import MAX_PEOPLE, MAX_RUPIAH
from core.models import StoredFile
from regions.models import Region

YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]
# A Renstra runs five years; a longer plan is more likely a typo.
MAX_PLAN_YEARS = 10


class StrategyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Officers see their companies' plans and consultations, wherever they are; the
        planners and readers of the request's region (and operators), those touching one of
        its villages."""
        if not user.is_authenticated:
            return self.none()
        own = permissions.of_own_companies(user)
        if not permissions.sees_all_companies(user):
            return self.filter(own)
        here = self.filter(villages__code__startswith=f"{tenancy.current_code()}.")
        return self.filter(own | Q(pk__in=here.values("pk")))

    def in_region(self):
        """Those touching a village of the request's region (the public pages, the region's
        list)."""
        return self.filter(
            pk__in=self.filter(villages__code__startswith=f"{tenancy.current_code()}.").values("pk")
        )


class StrategyItem(models.Model):
    """What a strategic plan and a consultation share: their company's officers keep them,
    the planners of the regions of their villages read them."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StrategyQuerySet.as_manager()

    class Meta:
        abstract = True


class StrategicPlan(StrategyItem):
    """A company's CSR plan over several years (Renstra CSR, e.g. 2023-2027): its goals, the
    villages it serves and a budget envelope per year. Its own period, not bound to a
    region's RPJMD: the programs under it may start before the RPJMD does."""

    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="strategic_plans",
    )
    title = models.CharField(_("title"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR)
    last_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR)
    goals = models.TextField(_("goals"), max_length=5000)
    villages = models.ManyToManyField(
        Region, verbose_name=_("villages"), related_name="strategic_plans", blank=True
    )

    class Meta:
        ordering = ["company", "-first_year", "pk"]
        verbose_name = _("CSR strategic plan")
        verbose_name_plural = _("CSR strategic plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year"))
                & Q(last_year__lt=models.F("first_year") + MAX_PLAN_YEARS),
                name="strategic_plan_period",
                violation_error_message=_("The last year comes after the first, within ten years."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.first_year}-{self.last_year})"

    def get_absolute_url(self):
        return reverse("programs:strategic_plan", args=[self.pk])

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


class PlanBudget(models.Model):
    """A strategic plan's budget envelope for one year."""

    plan = models.ForeignKey(
        StrategicPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    amount = models.PositiveBigIntegerField(
        _("budget (Rp)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_RUPIAH)]
    )

    class Meta:
        ordering = ["plan", "year"]
        verbose_name = _("yearly budget")
        verbose_name_plural = _("yearly budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year"],
                name="plan_budget_once_a_year",
                violation_error_message=_("Each year once."),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="plan_budget_positive"),
        ]

    def __str__(self):
        return f"{self.year}: {self.amount}"

    def get_additional_data(self) -> dict:
        return {"strategic_plan": self.plan_id}


class Consultation(ChoiceLabels, StrategyItem):
    """A meeting with the people of the company's villages that shapes its CSR: who took part
    (counted by group; their names are personal data, seen only by the company and the
    region's planners), the topics (public), what was agreed, the minutes."""

    class Kind(models.TextChoices):
        FGD = "fgd", _("Focus group discussion (FGD)")
        SOCIAL_MAPPING = "social_mapping", _("Social mapping")
        VILLAGE_MEETING = "village_meeting", _("Village meeting (musyawarah)")
        OTHER = "other", _("Other consultation")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="consultations"
    )
    plan = models.ForeignKey(
        StrategicPlan,
        verbose_name=_("strategic plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    villages = models.ManyToManyField(
        Region, verbose_name=_("villages"), related_name="consultations"
    )
    village_government = models.PositiveIntegerField(
        _("village government"), default=0, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    community_groups = models.PositiveIntegerField(
        _("community groups"), default=0, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    women = models.PositiveIntegerField(
        _("women"), default=0, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    youth = models.PositiveIntegerField(
        _("youth"), default=0, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    others = models.PositiveIntegerField(
        _("others"), default=0, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    participant_names = models.TextField(
        _("participants' names"),
        blank=True,
        max_length=10_000,
        help_text=_(
            "Personal data: seen only by your company and the region's planners, never on "
            "public pages or in open data."
        ),
    )
    topics = models.TextField(_("topics"), max_length=2000, help_text=_("Shown to the public."))
    agreements = models.TextField(_("agreed points"), blank=True, max_length=5000)
    programs = models.ManyToManyField(
        "programs.Program",
        verbose_name=_("programs it shaped"),
        related_name="consultations",
        blank=True,
    )

    # The participants by group, in the order the pages show them.
    GROUPS = ("village_government", "community_groups", "women", "youth", "others")

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [models.Index(fields=["company", "held_on"], name="consultation_company")]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.held_on:%d-%m-%Y}"

    def get_absolute_url(self):
        return reverse("programs:consultation", args=[self.pk])

    @property
    def participants(self) -> int:
        return sum(getattr(self, group) for group in self.GROUPS)

    def groups(self) -> list[tuple[str, int]]:
        """(label, count) of each group that took part."""
        meta = self._meta
        return [
            (meta.get_field(group).verbose_name, getattr(self, group))
            for group in self.GROUPS
            if getattr(self, group)
        ]


class StrategyFile(StoredFile):
    """A strategic plan's document or a consultation's minutes (core.models.StoredFile)."""

    folder = "strategy"

    plan = models.ForeignKey(
        StrategicPlan,
        verbose_name=_("strategic plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
    )
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("strategy document")
        verbose_name_plural = _("strategy documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=True, consultation__isnull=False)
                | Q(plan__isnull=False, consultation__isnull=True),
                name="strategy_file_of_one",
            ),
        ]

    @property
    def owner(self):
        return self.plan if self.plan_id else self.consultation

    def get_absolute_url(self):
        return reverse("programs:strategy_file", args=[self.pk])
