from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from core.admin import SaveChangedFieldsMixin

from .models import User


@admin.register(User)
class UserAdmin(SaveChangedFieldsMixin, BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    readonly_fields = ["last_login", "date_joined"]
