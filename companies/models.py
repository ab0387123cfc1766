from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import permissions
from core.db import ChoiceLabels
from core.vocabulary import Term
from regions.models import Region

# The sectors a new deployment starts with (core.vocabulary.install); administrators keep them.
# (code, name, name in English)
DEFAULT_SECTORS = [
    ("petrochemicals", "Petrokimia", "Petrochemicals"),
    ("metal_steel", "Logam dan baja", "Metal and steel"),
    ("logistics", "Logistik", "Logistics"),
    ("ports", "Pelabuhan", "Ports"),
    ("food", "Pangan", "Food"),
    ("energy_utilities", "Energi dan utilitas", "Energy and utilities"),
    ("services", "Jasa", "Services"),
    ("engineering", "Rekayasa dan konstruksi", "Engineering"),
    ("it", "Teknologi informasi", "Information technology"),
    ("oil_gas", "Minyak dan gas bumi", "Oil and gas"),
    ("mining", "Pertambangan", "Mining"),
    ("plantations", "Perkebunan", "Plantations"),
    ("banking", "Perbankan dan keuangan", "Banking and finance"),
]


class Sector(Term):
    """A company's line of business, kept by administrators (core.vocabulary)."""

    class Meta(Term.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Ring(models.IntegerChoices):
    RING_1 = 1, _("Ring 1")
    RING_2 = 2, _("Ring 2")
    RING_3 = 3, _("Ring 3")


class CompanyQuerySet(models.QuerySet):
    def region_codes(self) -> list[str]:
        """The codes of the regencies and cities where these companies have ring villages."""
        rings = CompanyVillage.objects.filter(company__in=self.values("pk"))
        return sorted({code[:5] for code in rings.values_list("village__code", flat=True)})

    def with_rings_in(self, code: str):
        """The companies with ring villages in the regency or city `code`."""
        rings = CompanyVillage.objects.filter(village__code__startswith=f"{code}.")
        return self.filter(pk__in=rings.values("company_id"))

    def visible_to(self, user):
        """The company directory is readable by every signed-in user."""
        return self.all() if user.is_authenticated else self.none()

    def editable_by(self, user):
        """Admins edit every company; officers only their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(permissions.of_own_companies(user, "pk"))

    def for_list(self):
        return (
            self.select_related("parent")
            .annotate(
                ring1_count=Count(
                    "operating_villages", filter=Q(operating_villages__ring=Ring.RING_1)
                ),
                village_count=Count("operating_villages"),
            )
            .order_by("name")
        )


class Company(ChoiceLabels, models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=255, blank=True)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        on_delete=models.PROTECT,
        db_column="sector",
        related_name="companies",
        db_index=False,  # company_sector_name (sector, name) serves it
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
    )
    nib = models.CharField(
        _("NIB"),
        max_length=13,
        blank=True,
        help_text=_("Business identification number (Nomor Induk Berusaha), 13 digits."),
        validators=[RegexValidator(r"^\d{13}$", _("An NIB has exactly 13 digits."))],
    )
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=120, blank=True)
    villages = models.ManyToManyField(
        Region,
        verbose_name=_("operating villages"),
        through="CompanyVillage",
        related_name="companies",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.UniqueConstraint(
                fields=["nib"], condition=~Q(nib=""), name="company_nib_unique"
            ),
        ]
        indexes = [models.Index(fields=["sector", "name"], name="company_sector_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("companies:detail", args=[self.slug])

    def get_sector_display(self) -> str:
        """The sector's name without a query (core.vocabulary keeps the names)."""
        return Sector.objects.label(self.sector_id)

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A company cannot be its own parent group.")})

    def officers_visible_to(self, user) -> bool:
        """permissions.sees_officers_of (the planners of its regions, admins, its officers)."""
        return permissions.sees_officers_of(user, self)


class CompanyVillage(ChoiceLabels, models.Model):
    """A village where a company operates, with how close it is to the operations."""

    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="operating_villages",
    )
    village = models.ForeignKey(
        Region,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="operating_companies",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    ring = models.PositiveSmallIntegerField(_("ring"), choices=Ring.choices)

    class Meta:
        ordering = ["ring", "village__code"]
        verbose_name = _("operating village")
        verbose_name_plural = _("operating villages")
        constraints = [
            models.UniqueConstraint(fields=["company", "village"], name="company_village_unique"),
            models.CheckConstraint(
                condition=Q(ring__gte=1, ring__lte=3), name="company_village_ring"
            ),
        ]
        indexes = [models.Index(fields=["village", "ring"], name="company_village_by_village")]

    def __str__(self):
        return f"{self.village} ({self.get_ring_display()})"

    def get_additional_data(self) -> dict:
        """Kept with each audit entry, so the company's history shows its ring villages."""
        return {"company": self.company_id}

    def clean(self):
        if self.village_id and self.village.level != Region.Level.VILLAGE:
            raise ValidationError({"village": _("Choose a kelurahan or desa.")})


class Membership(models.Model):
    """A user who acts for a company: its CSR officer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="company_memberships",
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="memberships"
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["company", "user__username"]
        verbose_name = _("company officer")
        verbose_name_plural = _("company officers")
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.company}"
