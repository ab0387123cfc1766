from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core import versions
        from core.audit import track

        from .models import Region, ServedRegion, forget_served

        track(Region)
        track(ServedRegion)
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(forget_served, sender=ServedRegion, dispatch_uid=f"served_{name}")
        versions.watch("filter_choices", Region)  # kecamatan and kelurahan filters
