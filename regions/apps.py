from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions")

    def ready(self):
        from core import versions
        from core.audit import track

        from .models import Region

        track(Region)
        versions.watch("filter_choices", Region)  # kecamatan and kelurahan filters
