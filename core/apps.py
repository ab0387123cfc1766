from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom floor: helpers every app may import; it imports no app of the portal."""

    name = "core"
    verbose_name = _("Portal")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
        from .audit import connect_sign_in_records

        connect_sign_in_records()
