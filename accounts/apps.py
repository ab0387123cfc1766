from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.models import Group

        from core.audit import track

        from .models import User

        # Roles are groups (the planner group): who was given or lost a role, and any change
        # to a group itself, is in the trail.
        track(User, m2m=["groups", "user_permissions"], mask=["password"])
        track(Group, m2m=["permissions"])
