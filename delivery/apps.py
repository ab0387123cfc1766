from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = _("Delivery")

    def ready(self):
        from core.audit import track

        from .models import Evidence, OutputLine, Report, ReportLine

        for model in (Report, ReportLine, OutputLine, Evidence):
            track(model)
