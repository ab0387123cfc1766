"""Users and groups in the admin, in the portal's language: permissions named by what they allow
on which kind of record ("Dapat mengubah program CSR"); a user's roles in regions beside."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import SaveChangedFieldsMixin

from .models import RegionRole, User

# Django names its permissions in English when it creates them ("Can add user").
DEFAULT_PERMISSIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    if model is None:  # a model no longer in the code
        return permission.name
    action = permission.codename.partition("_")[0]
    if (
        permission.codename == f"{action}_{model._meta.model_name}"
        and action in DEFAULT_PERMISSIONS
    ):
        text = DEFAULT_PERMISSIONS[action] % {"model": model._meta.verbose_name}
    else:
        text = gettext(permission.name)
    return f"{model._meta.app_config.verbose_name} | {text}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class TranslatedChoicesMixin:
    """The permission and group pickers labelled in the portal's language."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionsField
            kwargs["queryset"] = Permission.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RegionRoleInline(admin.TabularInline):
    model = RegionRole
    extra = 0
    autocomplete_fields = ["region"]


@admin.register(User)
class UserAdmin(TranslatedChoicesMixin, SaveChangedFieldsMixin, BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "region_roles__role"]
    inlines = [RegionRoleInline]
    readonly_fields = ["last_login", "date_joined"]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(TranslatedChoicesMixin, SaveChangedFieldsMixin, BaseGroupAdmin):
    pass
