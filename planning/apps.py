from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Development plan")

    def ready(self):
        from core.audit import track

        from .models import DevelopmentPlan, Need, NeedImport, Priority, PriorityYearTarget

        for model in (DevelopmentPlan, Priority, PriorityYearTarget, Need, NeedImport):
            track(model)
