from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from core.admin import PortalAdminMixin

from .models import ApiToken
from .tokens import revoke_tokens


@admin.register(ApiToken)
class ApiTokenAdmin(PortalAdminMixin, admin.ModelAdmin):
    """Who holds which token, read-only; an operator revokes a leaked one (api.tokens, in the
    audit trail). Tokens are made by their holders on their own page, never here."""

    list_display = [
        "name",
        "user",
        "company",
        "files_reports",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "prefix", "company__name"]
    list_select_related = ["user", "company"]
    readonly_fields = [
        "user",
        "company",
        "name",
        "files_reports",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = revoke_tokens(queryset.live(), by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
