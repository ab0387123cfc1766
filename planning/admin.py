from django.contrib import admin
from django.contrib.admin import ShowFacets

from .models import DevelopmentPlan, Need, NeedImport, Priority, PriorityYearTarget


class PriorityInline(admin.TabularInline):
    model = Priority
    fields = ["code", "title", "pillar", "unit", "target_quantity", "agency"]
    extra = 0
    show_change_link = True


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "first_year", "last_year"]
    list_select_related = ["city"]
    autocomplete_fields = ["city"]
    inlines = [PriorityInline]


class PriorityYearTargetInline(admin.TabularInline):
    model = PriorityYearTarget
    extra = 0


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan", "pillar", "unit", "target_quantity", "agency"]
    list_filter = ["plan", "pillar"]
    search_fields = ["code", "title", "agency"]
    list_select_related = ["plan"]
    inlines = [PriorityYearTargetInline]


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "priority",
        "village",
        "quantity",
        "pledged_quantity",
        "estimated_unit_cost",
        "source",
        "status",
    ]
    list_filter = ["status", "source", "priority__plan", "priority"]
    search_fields = ["title", "=external_ref", "village__name"]
    list_select_related = ["priority", "village"]
    autocomplete_fields = ["village"]
    readonly_fields = [
        "pledged_quantity",
        "delivered_quantity",
        "created_by",
        "created_at",
        "updated_at",
    ]
    show_full_result_count = False
    show_facets = ShowFacets.NEVER


@admin.register(NeedImport)
class NeedImportAdmin(admin.ModelAdmin):
    """The audit trail of imports; the import itself is the planners' page (/plan/needs/import/)."""

    list_display = [
        "original_name",
        "plan",
        "status",
        "row_count",
        "error_count",
        "created_count",
        "updated_count",
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["status"]
    list_select_related = ["plan", "uploaded_by"]
    readonly_fields = [f.name for f in NeedImport._meta.fields]

    def has_add_permission(self, request):
        return False
