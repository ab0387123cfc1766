from django.contrib import admin
from django.contrib.admin import ShowFacets

from .models import Attachment, Pledge, Program, ProgramTransition


class PledgeInline(admin.TabularInline):
    model = Pledge
    raw_id_fields = ["need"]
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ["kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0


class TransitionInline(admin.TabularInline):
    model = ProgramTransition
    fields = ["at", "by", "from_status", "to_status", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "status", "pillar", "budget", "start_date", "submitted_at"]
    list_filter = ["status", "pillar", "plan"]
    search_fields = ["title", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company", "villages"]
    readonly_fields = ["created_by", "updated_by", "created_at", "updated_at", "submitted_at"]
    inlines = [PledgeInline, AttachmentInline, TransitionInline]
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
