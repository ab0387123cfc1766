"""Reports in the admin: to browse. Their figures count as delivered once verified, so they
change only through the planners' pages (delivery.services), never here."""

from django.contrib import admin
from django.contrib.admin import ShowFacets

from core.admin import PortalAdminMixin, TabularInline

from .models import Evidence, OutputLine, Reminder, Report, ReportLine, ReportTransition


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LineInline(ReadOnlyMixin, TabularInline):
    model = ReportLine
    extra = 0


class OutputLineInline(ReadOnlyMixin, TabularInline):
    model = OutputLine
    extra = 0


class EvidenceInline(ReadOnlyMixin, TabularInline):
    model = Evidence
    fields = ["original_name", "content_type", "size", "caption", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0


class TransitionInline(ReadOnlyMixin, TabularInline):
    model = ReportTransition
    fields = ["at", "by", "from_status", "to_status", "comment"]
    readonly_fields = fields
    extra = 0


@admin.register(Report)
class ReportAdmin(ReadOnlyMixin, PortalAdminMixin, admin.ModelAdmin):
    list_display = ["program", "period_start", "period_end", "status", "submitted_at"]
    list_filter = ["status", "final"]
    search_fields = ["program__title", "program__company__name"]
    list_select_related = ["program"]
    inlines = [LineInline, OutputLineInline, EvidenceInline, TransitionInline]
    show_full_result_count = False
    show_facets = ShowFacets.NEVER


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyMixin, PortalAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "user", "key", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
