from django.contrib import admin
from django.contrib.admin import ShowFacets
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.admin import SafeAutocompleteMixin, SaveChangedFieldsMixin, TabularInline, TermAdmin

from .models import Company, CompanyVillage, Membership, Sector

admin.site.register(Sector, TermAdmin)


class CompanyVillageInline(SafeAutocompleteMixin, TabularInline):
    model = CompanyVillage
    autocomplete_fields = ["village"]
    extra = 0


class MembershipInline(SafeAutocompleteMixin, TabularInline):
    model = Membership
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Company)
class CompanyAdmin(SaveChangedFieldsMixin, admin.ModelAdmin):
    list_display = ["name", "sector", "parent", "nib", "village_count", "officer_count"]
    list_filter = ["sector"]
    search_fields = ["name", "legal_name", "=nib"]
    list_select_related = ["parent", "sector"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CompanyVillageInline, MembershipInline]
    show_facets = ShowFacets.NEVER
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _villages=Count("operating_villages", distinct=True),
                _officers=Count("memberships", distinct=True),
            )
        )

    @admin.display(description=_("operating villages"), ordering="_villages")
    def village_count(self, obj):
        return obj._villages

    @admin.display(description=_("company officers"), ordering="_officers")
    def officer_count(self, obj):
        return obj._officers


@admin.register(Membership)
class MembershipAdmin(SaveChangedFieldsMixin, admin.ModelAdmin):
    list_display = ["user", "company", "job_title", "created_at"]
    search_fields = ["user__username", "user__email", "company__name"]
    list_select_related = ["user", "company"]
    autocomplete_fields = ["user", "company"]
