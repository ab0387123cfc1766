from django.contrib import admin
from django.contrib.admin import ShowFacets

from core.admin import SaveChangedFieldsMixin

from .models import Region


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
