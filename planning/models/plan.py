"""The city's side: its development plan (RPJMD), the plan's priorities and located needs."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import permissions, tenancy
from core.db import ChoiceLabels
from core.identity import dac_sector_field
from core.limits import MAX_QUANTITY, MAX_UNIT_COST
from core.uploads import random_upload_name
from core.vocabulary import Term
from regions.models import Region, ServedRegion


class Pillar(models.TextChoices):
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    ECONOMY = "economy", _("Economy and SMEs")
    ENVIRONMENT = "environment", _("Environment")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure and housing")
    SOCIAL = "social", _("Social and disaster")


# The units a new deployment counts needs in (core.vocabulary.install); administrators keep them.
# (code, name, name in English)
DEFAULT_UNITS = [
    ("house", "rumah", "house"),
    ("classroom", "ruang kelas", "classroom"),
    ("person", "orang", "person"),
    ("child", "anak", "child"),
    ("household", "rumah tangga", "household"),
    ("business", "usaha", "business"),
    ("facility", "unit fasilitas", "facility"),
    ("package", "paket", "package"),
    ("group", "kelompok", "group"),
    ("hectare", "hektare", "hectare"),
]


class Unit(Term):
    """What a priority and its needs are counted in, kept by administrators (core.vocabulary)."""

    class Meta(Term.Meta):
        verbose_name = _("unit")
        verbose_name_plural = _("units")


# Seconds the portal's current plan is kept between requests (every save or deletion of a plan
# forgets it: `forget_current_plan`, connected in planning/apps.py).
CURRENT_PLAN_CACHE_SECONDS = 300


def _current_plan_key(code: str, year: int) -> str:
    return f"plan:current:{code}:{year}"


# Per process: {plan id: its region's code}. A plan's region never changes (the admin shows it
# read-only once the plan is saved) and ids are not reused, so an entry is never stale: a plan
# saved here is added at once (`plan_saved`), one saved elsewhere read on first sight.
_plan_regions: dict[int, str] = {}


def plan_region(plan_id: int) -> str | None:
    """The code of the regency or city whose plan `plan_id` is: every link to a program names
    its region. No query but once per process and new plan."""
    if plan_id not in _plan_regions:
        _plan_regions.update(DevelopmentPlan.objects.values_list("pk", "city__code"))
    return _plan_regions.get(plan_id)


def plan_saved(plan: "DevelopmentPlan", deleted: bool = False) -> None:
    """This process's plan regions follow a plan saved or deleted (signals: planning.apps)."""
    if deleted:
        _plan_regions.pop(plan.pk, None)
    else:
        _plan_regions[plan.pk] = plan.city.code


def _plan_ids_key(code: str) -> str:
    return f"plan:ids:{code}"


def region_plan_ids(code: str) -> list[int]:
    """The ids of the plans of the regency or city `code`: what `in_region()` filters by, as
    literal ids (joined to the region by its code, PostgreSQL misjudged the rows by thousands
    of times and read every program). Kept between requests, set again on every plan change."""
    key = _plan_ids_key(code)
    ids = cache.get(key)
    if ids is None:
        ids = list(DevelopmentPlan.objects.filter(city__code=code).values_list("pk", flat=True))
        cache.set(key, sorted(ids), CURRENT_PLAN_CACHE_SECONDS)
    return ids


def forget_current_plan() -> None:
    """Every served region's current plan (a plan may have moved to another region), and the
    regions' plan ids counted again (one query)."""
    year = datetime.date.today().year
    plans: dict[str, list[int]] = {}
    for code, pk in DevelopmentPlan.objects.values_list("city__code", "pk"):
        plans.setdefault(code, []).append(pk)
    codes = set(plans) | set(ServedRegion.objects.codes())
    cache.delete_many([_current_plan_key(code, year) for code in codes])
    cache.set_many(
        {_plan_ids_key(code): sorted(plans.get(code, [])) for code in codes},
        CURRENT_PLAN_CACHE_SECONDS,
    )


class InRegionQuerySet:
    """A queryset mixin: `in_region()` keeps the rows of one regency or city, those of its
    plans, found along `plan_path` (the lookup of the plan's id from the row, e.g. "plan_id")."""

    plan_path: str

    def in_region(self, code: str | None = None):
        """The rows of the region `code` (default: the request's region)."""
        ids = region_plan_ids(code or tenancy.current_code())
        return self.filter(**{f"{self.plan_path}__in": ids})


class DevelopmentPlanQuerySet(models.QuerySet):
    def current(self, city: Region | None = None, year: int | None = None):
        """The plan of `city` (default: the request's region, core.tenancy) running in `year`,
        else the latest.

        The request region's plan this year, asked of the whole table, is read once and kept
        in the cache: nearly every page asks for it."""
        if city is None and year is None and not self.query.where:
            key = _current_plan_key(tenancy.current_code(), datetime.date.today().year)
            plan = cache.get(key)
            if plan is None:
                plan = self._current(None, None)
                if plan is not None:
                    cache.set(key, plan, CURRENT_PLAN_CACHE_SECONDS)
            return plan
        return self._current(city, year)

    def current_of(self, regions, year: int | None = None) -> dict[int, "DevelopmentPlan"]:
        """{region id: its current plan} for every one of `regions` at once (one query), by
        the rule of `current`: running in `year` (this year), else the latest."""
        year = year or datetime.date.today().year
        found: dict[int, DevelopmentPlan] = {}
        for plan in self.filter(city__in=regions).order_by("city_id", "-first_year"):
            kept = found.get(plan.city_id)
            if kept is None or (
                not kept.runs_in(year) and (plan.runs_in(year) or plan.last_year > kept.last_year)
            ):
                found[plan.city_id] = plan
        return found

    def _current(self, city: Region | None, year: int | None):
        year = year or datetime.date.today().year
        plans = (
            self.filter(city__code=tenancy.current_code())
            if city is None
            else self.filter(city=city)
        )
        plans = plans.select_related("city")
        return (
            plans.filter(first_year__lte=year, last_year__gte=year).order_by("-first_year").first()
            or plans.order_by("-last_year").first()
        )


class DevelopmentPlan(models.Model):
    """A city's five-year development plan (RPJMD)."""

    city = models.ForeignKey(
        Region,
        verbose_name=_("city or regency"),
        on_delete=models.PROTECT,
        related_name="development_plans",
        limit_choices_to={"level": Region.Level.REGENCY},
    )
    title = models.CharField(_("title"), max_length=255)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))

    objects = DevelopmentPlanQuerySet.as_manager()

    class Meta:
        ordering = ["city", "-first_year"]
        verbose_name = _("development plan (RPJMD)")
        verbose_name_plural = _("development plans (RPJMD)")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="plan_years_in_order"
            ),
            models.UniqueConstraint(fields=["city", "first_year"], name="plan_unique_per_city"),
        ]

    def __str__(self):
        return self.title

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def runs_in(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def clean(self):
        if self.city_id and self.city.level != Region.Level.REGENCY:
            raise ValidationError({"city": _("Choose a regency or city.")})


class PriorityQuerySet(models.QuerySet):
    def with_coverage(self):
        """Registered, pledged and delivered quantities from the priority's needs, in one query."""
        pledged = Coalesce(Sum("needs__pledged_quantity"), 0)
        return self.annotate(
            registered=Coalesce(Sum("needs__quantity"), 0),
            pledged=pledged,
            delivered=Coalesce(Sum("needs__delivered_quantity"), 0),
            gap=F("target_quantity") - pledged,
            need_count=models.Count("needs"),
        )


class Priority(ChoiceLabels, models.Model):
    """A priority of the plan with its indicator, unit and target."""

    plan = models.ForeignKey(
        DevelopmentPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="priorities"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    pillar = models.CharField(_("pillar"), max_length=20, choices=Pillar.choices)
    indicator = models.CharField(_("performance indicator"), max_length=255)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, db_column="unit", related_name="+"
    )
    baseline = models.PositiveIntegerField(
        _("baseline"), default=0, validators=[MaxValueValidator(MAX_QUANTITY)]
    )
    target_quantity = models.PositiveIntegerField(
        _("target"), validators=[MaxValueValidator(MAX_QUANTITY)]
    )
    agency = models.CharField(_("responsible agency (OPD)"), max_length=255)
    dac_sector = dac_sector_field(
        _(
            "The OECD DAC 5-digit purpose code its programs are published under in the open "
            "data (14030: drinking water and sanitation; 14050: waste management). Empty: the "
            "pillar's."
        )
    )

    objects = PriorityQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "code"]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="priority_code_unique_per_plan"),
            models.CheckConstraint(
                condition=Q(target_quantity__gt=0), name="priority_target_positive"
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.title}"

    def get_absolute_url(self):
        return tenancy.reverse_in(plan_region(self.plan_id), "planning:priority_detail", [self.pk])

    def get_unit_display(self) -> str:
        """The unit's name without a query (core.vocabulary keeps the names)."""
        return Unit.objects.label(self.unit_id)


class PriorityYearTarget(models.Model):
    """The part of a priority's target planned for one year of the plan."""

    priority = models.ForeignKey(
        Priority, verbose_name=_("priority"), on_delete=models.CASCADE, related_name="year_targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quantity = models.PositiveIntegerField(
        _("target"), validators=[MaxValueValidator(MAX_QUANTITY)]
    )

    class Meta:
        ordering = ["priority", "year"]
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        constraints = [
            models.UniqueConstraint(fields=["priority", "year"], name="year_target_unique"),
        ]

    def __str__(self):
        return f"{self.year}: {self.quantity}"

    def clean(self):
        plan = self.priority.plan if self.priority_id else None
        if plan and self.year and self.year not in plan.years:
            raise ValidationError(
                {
                    "year": _("The year must lie within the plan (%(first)s-%(last)s).")
                    % {"first": plan.first_year, "last": plan.last_year}
                }
            )


# A need's gap in Rupiah: the units not yet pledged at its estimated unit cost.
UNFUNDED_RUPIAH = (F("quantity") - F("pledged_quantity")) * F("estimated_unit_cost")


# What coverage_by_place adds up per kecamatan (and it counts the kelurahan).
FIGURES = ("needed", "pledged", "delivered", "gap")


class NeedQuerySet(InRegionQuerySet, models.QuerySet):
    plan_path = "priority__plan_id"

    def visible_to(self, user):
        """Planners and admins see every need; other signed-in users see open needs."""
        if not user.is_authenticated:
            return self.none()
        if permissions.sees_all_companies(user):
            return self.in_region()
        return self.in_region().filter(status=Need.Status.OPEN)

    def with_gap(self):
        return self.filter(pledged_quantity__lt=F("quantity"))

    def for_list(self):
        return self.select_related("priority", "village__parent").annotate(
            gap_value=F("quantity") - F("pledged_quantity")
        )

    def coverage_by_place(self) -> tuple[list[dict], list[dict]]:
        """(per kelurahan, per kecamatan): what these needs ask, what is pledged and
        delivered, and the gap; each sorted by the largest gap first. One query."""
        by_village = list(
            self.values(
                "village__code", "village__name", "village__parent__code", "village__parent__name"
            )
            .annotate(
                needed=Sum("quantity"),
                pledged=Sum("pledged_quantity"),
                delivered=Sum("delivered_quantity"),
                gap=Sum(F("quantity") - F("pledged_quantity")),
            )
            .order_by("-gap", "village__code")
        )
        by_district: dict[str, dict] = {}
        for row in by_village:
            code = row["village__parent__code"]
            district = by_district.setdefault(
                code,
                dict.fromkeys([*FIGURES, "villages"], 0)
                | {"code": code, "name": row["village__parent__name"]},
            )
            for figure in FIGURES:
                district[figure] += row[figure]
            district["villages"] += 1
        return by_village, sorted(by_district.values(), key=lambda d: -d["gap"])


class Need(ChoiceLabels, models.Model):
    """A located piece of a priority: "40 rutilahu in Kelurahan Tegal Ratu".

    `pledged_quantity` and `delivered_quantity` are maintained by the approval and
    realization services under a row lock; the database refuses more than the need's quantity.
    """

    class Source(models.TextChoices):
        AGENCY = "agency", _("Agency data")
        MUSRENBANG = "musrenbang", _("Musrenbang")
        VILLAGE = "village", _("Village proposal")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    priority = models.ForeignKey(
        Priority, verbose_name=_("priority"), on_delete=models.PROTECT, related_name="needs"
    )
    village = models.ForeignKey(
        Region,
        verbose_name=_("kelurahan/desa"),
        on_delete=models.PROTECT,
        related_name="needs",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    estimated_unit_cost = models.PositiveBigIntegerField(
        _("estimated unit cost (Rp)"),
        help_text=_("In whole rupiah."),
        validators=[MaxValueValidator(MAX_UNIT_COST)],
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.AGENCY
    )
    external_ref = models.CharField(
        _("external reference"),
        max_length=64,
        blank=True,
        help_text=_("The reference in the agency's own list; re-imports update by it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # What people may change; the counters move only through the programs' workflow.
    EDITABLE_FIELDS = [
        "priority",
        "village",
        "title",
        "description",
        "quantity",
        "estimated_unit_cost",
        "source",
        "external_ref",
        "status",
    ]

    pledged_quantity = models.PositiveIntegerField(_("pledged"), default=0, editable=False)
    delivered_quantity = models.PositiveIntegerField(_("delivered"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "village__code", "title"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="need_quantity_positive",
                violation_error_message=_("The quantity must be a positive whole number."),
            ),
            models.CheckConstraint(
                condition=Q(estimated_unit_cost__gte=0), name="need_unit_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(pledged_quantity__lte=F("quantity")),
                name="need_not_overpledged",
                violation_error_message=_("More is pledged than the need's quantity."),
            ),
            models.CheckConstraint(
                condition=Q(delivered_quantity__lte=F("quantity")), name="need_not_overdelivered"
            ),
            # References are compared without case, as imports match them ("R-1" is "r-1").
            models.UniqueConstraint(
                Lower("external_ref"),
                "priority",
                condition=~Q(external_ref=""),
                name="need_external_ref_unique_per_priority",
                violation_error_message=_("Another need of this priority has this reference."),
            ),
            # The target of the pledges' composite foreign key (need, priority).
            models.UniqueConstraint(fields=["id", "priority"], name="need_id_priority_unique"),
        ]
        indexes = [
            models.Index(fields=["village", "status"], name="need_village_status"),
            models.Index(fields=["priority", "status"], name="need_priority_status"),
            # The needs list's default order: largest gap first (read backwards).
            models.Index(F("quantity") - F("pledged_quantity"), F("id"), name="need_gap"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """In the need's region when its priority is at hand (no query for a link); else the
        request's, where every page listing needs lists its own."""
        priority = self.priority if Need.priority.is_cached(self) else None
        plan_id = priority.__dict__.get("plan_id") if priority else None
        code = plan_region(plan_id) if plan_id else None
        return tenancy.reverse_in(code, "planning:need_detail", [self.pk])

    @property
    def region_code(self) -> str:
        """The code of the regency or city whose plan holds the need."""
        return plan_region(self.priority.plan_id)

    def get_unit_display(self) -> str:
        return self.priority.get_unit_display()

    @property
    def gap(self) -> int:
        return self.quantity - self.pledged_quantity

    @property
    def estimated_cost(self) -> int:
        return self.quantity * self.estimated_unit_cost

    def clean(self):
        errors = {}
        if self.village_id and self.priority_id:
            city = self.priority.plan.city
            if self.village.level != Region.Level.VILLAGE:
                errors["village"] = _("Choose a kelurahan or desa.")
            elif not self.village.code.startswith(f"{city.code}."):
                errors["village"] = _("%(village)s does not lie in %(city)s.") % {
                    "village": self.village.label,
                    "city": city.name,
                }
        if self.quantity is not None and self.quantity < self.pledged_quantity:
            errors["quantity"] = _(
                "%(pledged)s are already pledged; the quantity cannot be lower."
            ) % {"pledged": self.pledged_quantity}
        elif (
            self.pk
            and self.quantity is not None
            and self.quantity < (identified := self.units.count())
        ):
            errors["quantity"] = _(
                "%(units)s households or schools of this need are identified; the quantity "
                "cannot be lower."
            ) % {"units": identified}
        if errors:
            raise ValidationError(errors)


def _import_path(instance, filename: str) -> str:
    return random_upload_name("imports", filename)


class NeedImportQuerySet(InRegionQuerySet, models.QuerySet):
    plan_path = "plan_id"


class NeedImport(models.Model):
    """An uploaded spreadsheet of needs, or of the households or schools behind them:
    previewed first, imported once; the audit record."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        IMPORTED = "imported", _("Imported")

    class Kind(models.TextChoices):
        NEEDS = "needs", _("Needs")
        HOUSEHOLDS = "households", _("Households")
        SCHOOLS = "schools", _("Schools")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEEDS)
    # The priority whose needs the households or schools join.
    priority = models.ForeignKey(
        "Priority",
        verbose_name=_("priority"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    plan = models.ForeignKey(
        DevelopmentPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="imports"
    )
    # Not kept for households (personal data: the cells are kept protected, `unit_imports`).
    file = models.FileField(_("file"), upload_to=_import_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("rows skipped"), default=0)
    # The file's cells, read once at upload, and the preview shown to the planner: neither
    # showing the preview nor importing reads the file again.
    table = models.JSONField(_("cells"), default=list, editable=False)
    preview = models.JSONField(_("preview"), default=dict, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)

    objects = NeedImportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("needs import")
        verbose_name_plural = _("needs imports")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("planning:import_detail", args=[self.pk])


class SourceAlias(models.Model):
    """How a planning office writes a need's source in its spreadsheets ("Disperkim",
    "Musrenbangkel 2025"): imports read it as one of the sources."""

    text = models.CharField(_("written as"), max_length=100, unique=True)
    source = models.CharField(_("source"), max_length=20, choices=Need.Source.choices)

    class Meta:
        ordering = ["text"]
        verbose_name = _("source spelling")
        verbose_name_plural = _("source spellings")

    def __str__(self):
        return f"{self.text} → {self.get_source_display()}"
