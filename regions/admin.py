from django.contrib import admin
from django.contrib.admin import ShowFacets
from django.utils.translation import gettext_lazy as _

from core.admin import SaveChangedFieldsMixin

from .models import Region, ServedRegion


@admin.register(Region)
class RegionAdmin(SaveChangedFieldsMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["level", "kind"]
    # 91,599 rows: prefix search on the indexed code, plain search on the name.
    search_fields = ["^code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    ordering = ["code"]


@admin.register(ServedRegion)
class ServedRegionAdmin(SaveChangedFieldsMixin, admin.ModelAdmin):
    """Switch a regency or city on once its regions and boundaries are loaded; then enter its
    plan. Its planners are given on their user's page (region roles)."""

    list_display = ["region", "site_title", "is_active"]
    list_filter = ["is_active"]
    autocomplete_fields = ["region"]
    search_fields = ["region__name", "^region__code"]

    @admin.display(description=_("site name"))
    def site_title(self, served):
        return served.site_title

    def get_readonly_fields(self, request, obj=None):
        return ["region"] if obj else []  # its pages and links live under the region's code
