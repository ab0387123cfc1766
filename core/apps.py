from auditlog.apps import AuditlogConfig
from axes.apps import AppConfig as AxesConfig
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


class AuditTrailConfig(AuditlogConfig):
    """django-auditlog, named in the portal's language in the admin."""

    verbose_name = _("Audit trail")


class SignInProtectionConfig(AxesConfig):
    """django-axes, named in the portal's language in the admin."""

    verbose_name = _("Sign-in protection")
