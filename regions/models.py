import re
from typing import NamedTuple

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import tenancy
from core.identity import validate_iati_reference

# Kepmendagri codes: "36", "36.72", "36.72.04", "36.72.04.1002".
CODE_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class RegionQuerySet(models.QuerySet):
    def villages(self):
        return self.filter(level=Region.Level.VILLAGE)

    def districts(self):
        return self.filter(level=Region.Level.DISTRICT)

    def within(self, region: "Region"):
        """Every region below `region`, found by code prefix (an indexed LIKE 'x.%')."""
        return self.filter(code__startswith=f"{region.code}.")


class Region(models.Model):
    """An administrative region with its official Kepmendagri code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("Regency/city")
        DISTRICT = 3, _("District")
        VILLAGE = 4, _("Village")

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Province")
        KABUPATEN = "kabupaten", _("Regency")
        KOTA = "kota", _("City")
        KECAMATAN = "kecamatan", _("District")
        KELURAHAN = "kelurahan", _("Kelurahan")
        DESA = "desa", _("Desa")

    code = models.CharField(_("code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="region_parent_matches_level",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="region_level"),
        ]
        indexes = [models.Index(fields=["level", "name"], name="region_level_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:detail", args=[self.code])

    @property
    def label(self) -> str:
        """The name with its kind, as Indonesians write it: "Kelurahan Tegal Ratu"."""
        if self.level == self.Level.REGENCY:
            return self.name  # the official name already says "Kota" or "Kabupaten"
        return f"{self.get_kind_display()} {self.name}"

    @property
    def ancestor_codes(self) -> list[str]:
        parts = self.code.split(".")
        return [".".join(parts[:i]) for i in range(1, len(parts))]

    def ancestors(self):
        """Province first; one query."""
        return Region.objects.filter(code__in=self.ancestor_codes).order_by("level")

    @staticmethod
    def parse_code(code: str) -> tuple[int, str | None]:
        """Level and parent code of a well-formed code; ValueError otherwise."""
        if not CODE_RE.match(code):
            raise ValueError(code)
        parts = code.split(".")
        return len(parts), ".".join(parts[:-1]) or None

    @classmethod
    def kind_for(cls, code: str, name: str, level: int) -> str:
        if level == cls.Level.PROVINCE:
            return cls.Kind.PROVINSI
        if level == cls.Level.REGENCY:
            return cls.Kind.KOTA if name.lower().startswith("kota ") else cls.Kind.KABUPATEN
        if level == cls.Level.DISTRICT:
            return cls.Kind.KECAMATAN
        # A village's last segment starts with 1 for a kelurahan, 2 for a desa.
        return cls.Kind.KELURAHAN if code.rsplit(".", 1)[1].startswith("1") else cls.Kind.DESA


def current_city() -> Region | None:
    """The regency or city the request is about (core.tenancy; by default `CITY_CODE`), if its
    regions are loaded."""
    return Region.objects.filter(code=tenancy.current_code()).first()


# Seconds the served regions' codes are kept between requests (`forget_served`, on every save
# or deletion of a ServedRegion, forgets them at once).
SERVED_CACHE_SECONDS = 300
SERVED_KEY = "regions:served"


def forget_served(**kwargs) -> None:
    cache.delete(SERVED_KEY)


class Served(NamedTuple):
    """What every page of a served region shows of it: its site name and its own words."""

    title: str
    city_word: str  # "kota" or "kabupaten"
    village_word: str  # "kelurahan", "desa", or both, the more common first: "desa/kelurahan"


def village_word(counts: dict[str, int]) -> str:
    """How a region's villages are called, from how many are kelurahan and desa."""
    kelurahan, desa = counts.get(Region.Kind.KELURAHAN, 0), counts.get(Region.Kind.DESA, 0)
    if not desa:
        return "kelurahan"
    if not kelurahan:
        return "desa"
    return "kelurahan/desa" if kelurahan >= desa else "desa/kelurahan"


class ServedRegionQuerySet(models.QuerySet):
    def codes(self) -> dict[str, Served]:
        """{code: Served} of every region switched on: read on every request, so kept. Two
        queries when it is counted again."""
        found = cache.get(SERVED_KEY)
        if found is None:
            served = list(self.filter(is_active=True).select_related("region"))
            within = Q(pk__in=[])
            for row in served:
                within |= Q(code__startswith=f"{row.region.code}.")
            counts: dict[str, dict[str, int]] = {}
            for city, kind, number in (
                Region.objects.villages()
                .filter(within)
                .annotate(city=Substr("code", 1, 5))
                .values("city", "kind")
                .annotate(number=models.Count("pk"))
                .order_by()
                .values_list("city", "kind", "number")
            ):
                counts.setdefault(city, {})[kind] = number
            found = {
                row.region.code: Served(
                    row.site_title, row.region.kind, village_word(counts.get(row.region.code, {}))
                )
                for row in served
            }
            cache.set(SERVED_KEY, found, SERVED_CACHE_SECONDS)
        return found


class ServedRegion(models.Model):
    """A regency or city this deployment serves: switched on by an administrator once its
    regions and boundaries are loaded, then its plan entered. Its pages live under its code
    (`/36.72/...`, core.tenancy)."""

    region = models.OneToOneField(
        Region,
        verbose_name=_("regency or city"),
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="served",
        limit_choices_to={"level": Region.Level.REGENCY},
    )
    site_name = models.CharField(
        _("site name"),
        max_length=100,
        blank=True,
        help_text=_('Shown in the header; empty: "Portal CSR" and the region\'s name.'),
    )
    is_active = models.BooleanField(
        _("switched on"), default=True, help_text=_("Its pages are open to its users.")
    )
    iati_reference = models.CharField(
        _("IATI organisation identifier"),
        max_length=100,
        blank=True,
        validators=[validate_iati_reference],
        help_text=_(
            "The region's registered identifier (org-id.guide), e.g. ID-COA-<its budget code> "
            "or XI-IATI-<given by the IATI Secretariat>. Its programs are published as IATI "
            "open data only once it is set."
        ),
    )

    objects = ServedRegionQuerySet.as_manager()

    class Meta:
        ordering = ["region"]
        verbose_name = _("served region")
        verbose_name_plural = _("served regions")

    def __str__(self):
        return str(self.region)

    @property
    def site_title(self) -> str:
        return self.site_name or f"Portal CSR {self.region.name}"

    def clean(self):
        if self.region_id and self.region.level != Region.Level.REGENCY:
            raise ValidationError({"region": _("Choose a regency or city.")})


class Boundary(models.Model):
    """A region's outline as GeoJSON (WGS84, [lng, lat]): a Polygon or a MultiPolygon, stored
    as its coordinates only (`import_boundaries`). The equity map is drawn from these alone, so
    it needs no tile server and no internet."""

    class Shape(models.TextChoices):
        POLYGON = "Polygon", "Polygon"
        MULTIPOLYGON = "MultiPolygon", "MultiPolygon"

    region = models.OneToOneField(
        Region,
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="boundary",
    )
    shape = models.CharField(_("shape"), max_length=12, choices=Shape.choices)
    coordinates = models.JSONField(_("coordinates"))
    centroid_lng = models.FloatField(_("centroid longitude"))
    centroid_lat = models.FloatField(_("centroid latitude"))
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")
        constraints = [
            models.CheckConstraint(
                condition=Q(centroid_lng__gte=-180, centroid_lng__lte=180)
                & Q(centroid_lat__gte=-90, centroid_lat__lte=90),
                name="boundary_centroid_on_earth",
            ),
        ]

    def __str__(self):
        return str(self.region)

    @property
    def polygons(self) -> list:
        """Always a list of polygons (each a list of rings of [lng, lat])."""
        return [self.coordinates] if self.shape == self.Shape.POLYGON else self.coordinates

    # How far outside its outline a point may be and still count as in the region: about 50 m,
    # the outlines being simplified and a site on a boundary road being in either village.
    NEAR_DEGREES = 0.0005

    def contains(self, lng: float, lat: float) -> bool:
        """The point lies in the region (or within NEAR_DEGREES of its outline)."""
        return self.holds(self.outline(), lng, lat)

    def outline(self):
        """The outline as a shapely geometry, to test many points against (`holds`)."""
        from shapely.geometry import shape

        return shape({"type": self.shape, "coordinates": self.coordinates})

    @classmethod
    def holds(cls, outline, lng: float, lat: float) -> bool:
        from shapely.geometry import Point

        return outline.distance(Point(lng, lat)) <= cls.NEAR_DEGREES
