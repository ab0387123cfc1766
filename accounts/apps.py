from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_save, pre_delete
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
        m2m_changed.connect(
            _groups_changed, sender=User.groups.through, dispatch_uid="forget_roles_groups"
        )
        # A group renamed or deleted (its members' rows go without an m2m signal): its
        # members' roles are forgotten too.
        post_save.connect(_group_changed, sender=Group, dispatch_uid="forget_roles_group_saved")
        pre_delete.connect(_group_changed, sender=Group, dispatch_uid="forget_roles_group_gone")


def _group_changed(sender, instance, **kwargs):
    from .models import forget_roles

    forget_roles(*instance.user_set.values_list("pk", flat=True))


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A user's groups changed (or a group's users, from the group's side): forget the roles
    of whoever it concerns."""
    from .models import User, forget_roles

    if not action.startswith("post_"):
        return
    if not reverse:
        forget_roles(instance.pk)
    else:  # a group's users changed; after a clear, who they were is no longer known
        everyone = action == "post_clear" or pk_set is None
        forget_roles(*(User.objects.values_list("pk", flat=True) if everyone else pk_set))
