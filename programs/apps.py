from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


def villages_changed(sender, instance, action, **kwargs):
    from core import versions

    from .models import Program

    committed = not isinstance(instance, Program) or instance.status in Program.COMMITTED
    if action.startswith("post_") and committed:
        versions.bump("reach")


def round_changed(sender, instance, **kwargs):
    """A program of a round, or an invitation, saved or deleted (any entry point): the round's
    stage counts are counted again."""
    if instance.round_id:
        from . import rounds

        rounds.forget_stages(instance.round_id)


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("CSR programs")

    def ready(self):
        from core import versions
        from core.audit import track

        # Declares the kept stage counts, which the worker renews by name (core.kept).
        from . import rounds  # noqa: F401
        from .models import (
            Attachment,
            Invitation,
            OutputIndicator,
            Pledge,
            Program,
            ProgramOutput,
            ProgramPartner,
            Round,
        )

        track(Program, m2m=["villages"])
        # Where committed programs work decides which kelurahan CSR has reached ("reach").
        m2m_changed.connect(
            villages_changed, sender=Program.villages.through, dispatch_uid="program_villages"
        )
        track(Round, m2m=["villages"])
        for model in (Pledge, Attachment, OutputIndicator, ProgramOutput, ProgramPartner):
            track(model)
        versions.watch("filter_choices", Round)  # the inbox filters by round
        for model in (Program, Invitation):
            for signal in (post_save, post_delete):
                signal.connect(
                    round_changed, sender=model, dispatch_uid=f"round_stages:{model.__name__}"
                )
