from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        from core import versions
        from programs.models import OutputIndicator
        from regions.models import ServedRegion

        from . import checks  # noqa: F401  (registers the open data's system checks)

        # A region's identifier and an indicator's sector change what the feeds say.
        versions.watch("publishing", ServedRegion, OutputIndicator)
