"""What the public pages show that takes counting: a regency's figures and map, and the
province and national overviews. Kept five minutes and renewed without anyone waiting
(core.kept): public figures may lag five minutes. Declared here, apart from the views, so the
worker that renews them (core.kept.renew_kept) knows them without the views."""

from django.urls import reverse

from core import kept, tenancy
from planning.models import DevelopmentPlan, Priority
from programs.models import Program
from regions.models import Region, ServedRegion

from . import figures, maps, overview

# Seconds the public figures and the maps are served without a renewal.
PUBLIC_CACHE_SECONDS = 300


def village_link(region: Region) -> str:
    return reverse("insight:village", args=[region.code])


def region_home(region: Region) -> str:
    """A served region's public home page, from a page of any region."""
    with tenancy.serving(region.code):
        return reverse("insight:public")


def equity_map(plan, metric: str, priority=None) -> maps.Map | None:
    """The map of `plan`'s city coloured by `metric`, the same for everyone."""
    return _drawn_map(plan.pk, metric, priority.pk if priority else None)


@kept.renewable("map", fresh=PUBLIC_CACHE_SECONDS, keep=3 * PUBLIC_CACHE_SECONDS)
def _drawn_map(plan_id: int, metric: str, priority_id: int | None) -> maps.Map | None:
    plan = DevelopmentPlan.objects.select_related("city").get(pk=plan_id)
    priority = Priority.objects.get(pk=priority_id) if priority_id else None
    return maps.draw(
        plan.city,
        figures.village_values(plan, metric, priority),
        link=village_link,
        sites=figures.output_sites(plan),
    )


@kept.renewable("public", fresh=PUBLIC_CACHE_SECONDS, keep=3 * PUBLIC_CACHE_SECONDS)
def home_figures(plan_id: int) -> dict:
    """A regency's public home: its priorities' figures, kecamatan, programs and companies."""
    plan = DevelopmentPlan.objects.select_related("city").get(pk=plan_id)
    committed = Program.objects.filter(plan=plan, status__in=Program.COMMITTED)
    districts = Region.objects.districts().within(plan.city).order_by("name")
    return {
        "priorities": figures.priorities(plan),
        "districts": list(districts.values("code", "name")),
        "program_count": committed.count(),
        "company_count": committed.values("company").distinct().count(),
    }


# The same whichever region's page asks (the overview is above the regions).
@kept.renewable(
    "overview", fresh=PUBLIC_CACHE_SECONDS, keep=3 * PUBLIC_CACHE_SECONDS, per_region=False
)
def overview_figures(province_code: str | None) -> dict:
    """The served regencies of a province (None: of the country) side by side, their map and
    the provinces' links."""
    served = Region.objects.filter(
        served__is_active=True, level=Region.Level.REGENCY
    ).select_related("parent")
    province = None
    if province_code is not None:
        province = Region.objects.get(code=province_code, level=Region.Level.PROVINCE)
        served = served.filter(parent=province)
    found = overview.regions_figures(list(served.order_by("code")))
    for row in found.rows:
        row.url = region_home(row.region)
    served_codes = ServedRegion.objects.codes()
    area_map = maps.draw(
        province,
        {row.region.pk: row.unfunded_rupiah for row in found.rows},
        link=lambda region: region_home(region) if region.code in served_codes else "",
        level=Region.Level.REGENCY,
    )
    provinces = Region.objects.filter(
        level=Region.Level.PROVINCE, children__served__is_active=True
    ).distinct()
    return {"overview": found, "map": area_map, "provinces": list(provinces.order_by("name"))}
