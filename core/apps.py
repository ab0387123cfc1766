from auditlog import apps as auditlog_apps
from axes import apps as axes_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom floor: helpers every app may import; it imports no app of the portal."""

    default = True  # this module holds the libraries' configurations below too
    name = "core"
    verbose_name = _("Portal")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
        from .audit import connect_sign_in_records

        connect_sign_in_records()


class AuditTrailConfig(auditlog_apps.AuditlogConfig):
    """django-auditlog, named in the portal's language in the admin (INSTALLED_APPS)."""

    default = False
    verbose_name = _("Audit trail")


class SignInProtectionConfig(axes_apps.AppConfig):
    """django-axes, named in the portal's language in the admin (INSTALLED_APPS)."""

    default = False
    verbose_name = _("Sign-in protection")
