from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.models import Group

        from core.audit import track

        from .models import RegionRole, User

        # Who was given or lost a role or a permission, and any change to a group, is in the
        # trail; a region role given, changed or taken is forgotten from the roles' cache.
        track(User, m2m=["groups", "user_permissions"], mask=["password"])
        track(Group, m2m=["permissions"])
        track(RegionRole)
        for signal, uid in ((post_save, "saved"), (post_delete, "gone")):
            signal.connect(_region_role_changed, sender=RegionRole, dispatch_uid=f"role_{uid}")


def _region_role_changed(sender, instance, **kwargs):
    from .models import forget_roles

    forget_roles(instance.user_id)
