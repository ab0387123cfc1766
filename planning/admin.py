from django import forms
from django.contrib import admin
from django.contrib.admin import ShowFacets
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import (
    PortalAdminMixin,
    SaveChangedFieldsMixin,
    TabularInline,
    TermAdmin,
    rupiah_column,
)

from . import services
from .models import (
    DevelopmentPlan,
    Need,
    NeedImport,
    Priority,
    PriorityYearTarget,
    SourceAlias,
    Unit,
)

admin.site.register(Unit, TermAdmin)


class PriorityInline(TabularInline):
    model = Priority
    fields = ["code", "title", "pillar", "unit", "target_quantity", "agency"]
    extra = 0
    show_change_link = True


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(SaveChangedFieldsMixin, admin.ModelAdmin):
    list_display = ["title", "city", "first_year", "last_year"]
    list_select_related = ["city"]
    autocomplete_fields = ["city"]
    inlines = [PriorityInline]

    def get_readonly_fields(self, request, obj=None):
        # Its needs, programs and rounds are that region's: a plan never moves to another.
        return ["city"] if obj is not None else []


class PriorityYearTargetInline(TabularInline):
    model = PriorityYearTarget
    extra = 0


@admin.register(Priority)
class PriorityAdmin(SaveChangedFieldsMixin, admin.ModelAdmin):
    list_display = ["code", "title", "plan", "pillar", "unit", "target_quantity", "agency"]
    list_filter = ["plan", "pillar"]
    search_fields = ["code", "title", "agency"]
    list_select_related = ["plan", "unit"]
    inlines = [PriorityYearTargetInline]


class NeedAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not self.errors:
            # The admin's change view runs in one transaction: the row stays locked until the
            # save, and the model's checks below see the counters as they are now.
            try:
                services.lock_for_edit(self.instance, priority=cleaned.get("priority"))
            except ValidationError as e:
                self.add_error(None, e)
        return cleaned


@admin.register(Need)
class NeedAdmin(PortalAdminMixin, admin.ModelAdmin):
    form = NeedAdminForm
    list_display = [
        "title",
        "priority",
        "village",
        "quantity",
        "pledged_quantity",
        rupiah_column("estimated_unit_cost", _("estimated unit cost (Rp)")),
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

    def save_model(self, request, obj, form, change):
        """Through the service: the counters are re-read under lock and only the changed
        fields are written, so an approval committed meanwhile is never undone."""
        services.need_save(need=obj, by=request.user, fields=form.changed_data if change else None)


@admin.register(NeedImport)
class NeedImportAdmin(PortalAdminMixin, admin.ModelAdmin):
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
    # The kept cells and preview can run to megabytes: the planners' page shows them.
    exclude = ["table", "preview"]
    readonly_fields = [
        f.name for f in NeedImport._meta.fields if f.name not in ("table", "preview")
    ]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("table", "preview")


@admin.register(SourceAlias)
class SourceAliasAdmin(SaveChangedFieldsMixin, admin.ModelAdmin):
    """Spellings of a need's source that imports accept, besides the built-in ones."""

    list_display = ["text", "source"]
    list_filter = ["source"]
    search_fields = ["text"]
