from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("CSR programs")

    def ready(self):
        from core.audit import track

        from .models import (
            Attachment,
            OutputIndicator,
            Pledge,
            Program,
            ProgramOutput,
            ProgramPartner,
            Round,
        )

        track(Program, m2m=["villages"])
        track(Round, m2m=["villages"])
        for model in (Pledge, Attachment, OutputIndicator, ProgramOutput, ProgramPartner):
            track(model)
