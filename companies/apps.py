from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies")

    def ready(self):
        from core import versions, vocabulary
        from core.audit import track

        from .models import DEFAULT_SECTORS, Company, CompanyVillage, Membership, Sector

        track(Sector)
        track(Company)
        track(CompanyVillage)
        track(Membership)
        # An officer's companies are kept between requests (accounts.models): forget them on
        # every change of a membership, whatever the entry point.
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                _membership_changed, sender=Membership, dispatch_uid=f"membership_{name}"
            )
        # A company's rings rank the needs suggested to its programs (programs.matching); the
        # companies are choices of the list filters.
        versions.watch("reach", CompanyVillage)
        versions.watch("filter_choices", Company)
        vocabulary.watch(Sector, DEFAULT_SECTORS, app_config=self)


def _membership_changed(sender, instance, **kwargs):
    from accounts.models import forget_roles

    forget_roles(instance.user_id)
