"""What a program produces besides its pledges: outputs by indicator."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from core.identity import dac_sector_field
from core.limits import MAX_PEOPLE
from regions.models import Boundary, Region

from .program import Program


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
    dac_sector = dac_sector_field(
        _(
            "The OECD DAC 5-digit purpose code of what it produces, for programs whose pledges "
            "do not say it (open data). Empty: the program's pillar's."
        )
    )
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
        if self.latitude is not None and self.village_id and self.lies_outside_village():
            raise ValidationError(
                {
                    "latitude": _(
                        "This point lies outside Kelurahan %(village)s: check the coordinates "
                        "(latitude first, negative south of the equator) or the kelurahan."
                    )
                    % {"village": self.village.name}
                }
            )

    def lies_outside_village(self) -> bool:
        """The site's coordinates lie outside its kelurahan's outline (when one is known)."""
        return outside_their_villages([(self.village_id, self.latitude, self.longitude)])[0]


def outside_their_villages(sites) -> list[bool]:
    """For each (kelurahan id, latitude, longitude): the point lies outside the kelurahan's
    outline (when one is known). One query for all."""
    boundaries = Boundary.objects.in_bulk({village for village, _lat, _lng in sites})
    found = []
    for village, latitude, longitude in sites:
        boundary = boundaries.get(village)
        found.append(
            boundary is not None and not boundary.contains(float(longitude), float(latitude))
        )
    return found
