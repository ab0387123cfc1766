from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies")

    def ready(self):
        from core.audit import track

        from .models import Company, CompanyVillage, Membership

        track(Company)
        track(CompanyVillage)
        track(Membership)
