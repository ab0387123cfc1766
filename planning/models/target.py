"""Target units: the households, schools and sites behind a need's count, one by one.

A need may hold identified units ("the 40 rutilahu of Tegal Ratu" are 40 households of the
e-RTLH register); it counts at least as many as it holds. A household's personal data (its
head's name, address, RT/RW, coordinates) is seen only by those `core.permissions` allows;
its NIK is never stored, only a keyed hash and a masked form (core.identity). An erased
household keeps its place in the counts and its hash (so that a re-import of the register
does not bring it back) and loses everything else.

Claimed by pledges in programs.claims.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import tenancy
from core.db import ChoiceLabels

from .plan import InRegionQuerySet, Need, plan_region

# Fields that are personal data: shown only to whom core.permissions.sees_household_data
# allows, never in logs, public pages, open data or the audit trail's values; blanked when
# the household is erased.
PERSONAL_FIELDS = ("name", "nik_masked", "address", "rt", "rw", "latitude", "longitude")


class Condition(models.TextChoices):
    """A part of a house as the e-RTLH survey rates it."""

    GOOD = "good", _("Good")
    LIGHT = "light", _("Lightly damaged")
    MODERATE = "moderate", _("Moderately damaged")
    HEAVY = "heavy", _("Heavily damaged")


# Worst first, for "most damaged first".
DAMAGE = {Condition.HEAVY: 3, Condition.MODERATE: 2, Condition.LIGHT: 1, Condition.GOOD: 0}


class TargetUnitQuerySet(InRegionQuerySet, models.QuerySet):
    plan_path = "need__priority__plan_id"

    def households(self):
        return self.filter(kind=TargetUnit.Kind.HOUSEHOLD)

    def neediest_first(self):
        """Lowest welfare decile first, then the most damaged house or school, then the
        order of registration: the order the portal proposes units in."""

        def rated(part: str):
            whens = [models.When(**{part: c}, then=models.Value(v)) for c, v in DAMAGE.items()]
            return models.Case(*whens, default=models.Value(0))

        damage = rated("roof") + rated("walls") + rated("floor")
        return self.annotate(damage=damage).order_by(
            models.F("decile").asc(nulls_last=True),
            "-damage",
            models.F("classrooms").desc(nulls_last=True),
            "pk",
        )


class TargetUnit(ChoiceLabels, models.Model):
    """A household, a school or a named site counted by a need."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("Household")
        SCHOOL = "school", _("School")
        SITE = "site", _("Site")

    class Level(models.TextChoices):
        PAUD = "paud", "PAUD/TK"
        SD = "sd", "SD/MI"
        SMP = "smp", "SMP/MTs"
        SMA = "sma", "SMA/MA/SMK"

    need = models.ForeignKey(
        Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="units"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The household's head, the school's or the site's name.
    name = models.CharField(_("name"), max_length=200, blank=True)
    nik_hash = models.CharField(_("NIK (keyed hash)"), max_length=64, blank=True, editable=False)
    nik_masked = models.CharField(_("NIK"), max_length=16, blank=True, editable=False)
    npsn = models.CharField(_("NPSN"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    decile = models.PositiveSmallIntegerField(
        _("welfare decile"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("1 is the poorest tenth of households (DTSEN)."),
    )
    roof = models.CharField(_("roof"), max_length=10, choices=Condition.choices, blank=True)
    walls = models.CharField(_("walls"), max_length=10, choices=Condition.choices, blank=True)
    floor = models.CharField(_("floor"), max_length=10, choices=Condition.choices, blank=True)
    level = models.CharField(_("school level"), max_length=4, choices=Level.choices, blank=True)
    classrooms = models.PositiveSmallIntegerField(
        _("classrooms needed"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    source_date = models.DateField(_("source date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects = TargetUnitQuerySet.as_manager()

    class Meta:
        ordering = ["need", "pk"]
        verbose_name = _("target unit")
        verbose_name_plural = _("target units")
        constraints = [
            # One household per NIK and one school per NPSN in the whole deployment, every
            # region and need: what keeps a register imported twice from counting twice.
            models.UniqueConstraint(
                fields=["nik_hash"],
                condition=~Q(nik_hash=""),
                name="unit_one_per_nik",
                violation_error_message=_("This household is already registered."),
            ),
            models.UniqueConstraint(
                fields=["npsn"],
                condition=~Q(npsn=""),
                name="unit_one_per_npsn",
                violation_error_message=_("This school is already registered."),
            ),
            models.CheckConstraint(
                condition=Q(decile__isnull=True) | Q(decile__gte=1, decile__lte=10),
                name="unit_decile_1_to_10",
            ),
            # An erased household keeps nothing personal.
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True)
                | Q(
                    name="",
                    nik_masked="",
                    address="",
                    rt="",
                    rw="",
                    latitude__isnull=True,
                    longitude__isnull=True,
                ),
                name="unit_erased_keeps_nothing_personal",
            ),
        ]
        indexes = [models.Index(fields=["need", "decile"], name="unit_need_decile")]

    def __str__(self):
        """Never personal data: a household is its reference, a school or a site its name."""
        if self.kind == self.Kind.HOUSEHOLD:
            return self.reference
        return self.name or self.reference

    def get_absolute_url(self):
        return tenancy.reverse_in(None, "programs:unit", [self.pk])

    @property
    def reference(self) -> str:
        prefix = {"household": "RT", "school": "SK", "site": "LK"}[self.kind]
        return f"{prefix}-{self.pk:06d}" if self.pk else prefix

    @property
    def is_household(self) -> bool:
        return self.kind == self.Kind.HOUSEHOLD

    @property
    def region_code(self) -> str:
        return plan_region(self.need.priority.plan_id)

    def get_additional_data(self) -> dict:
        return {"need": self.need_id}

    @property
    def condition_label(self) -> str:
        """The house's condition, part by part, or the classrooms a school needs."""
        if self.kind == self.Kind.SCHOOL:
            return str(_("%(n)s classrooms") % {"n": self.classrooms}) if self.classrooms else ""
        parts = [
            (_("roof"), self.get_roof_display()),
            (_("walls"), self.get_walls_display()),
            (_("floor"), self.get_floor_display()),
        ]
        return ", ".join(f"{name} {value.lower()}" for name, value in parts if value)
