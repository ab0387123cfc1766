from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from companies.models import Membership

        from .tokens import _account_saved, _membership_gone

        # A token reads nothing once its person lost the role, whatever removed it (a page,
        # the admin): it is revoked then, not left to come back with the role.
        post_delete.connect(_membership_gone, sender=Membership, dispatch_uid="tokens_member")
        post_save.connect(_account_saved, sender=get_user_model(), dispatch_uid="tokens_account")
