from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


def villages_changed(sender, instance, action, **kwargs):
    from core import versions

    from .models import Program

    committed = not isinstance(instance, Program) or instance.status in Program.COMMITTED
    if action.startswith("post_") and committed:
        versions.bump("reach")


def consultation_villages_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        from core import versions

        versions.bump("consultations")


def round_changed(sender, instance, raw=False, **kwargs):
    """A program saved or deleted (any entry point): the stage counts of its round, and of the
    round it was read in if it moved, are counted again (not for fixtures being loaded)."""
    if raw:
        return
    from . import rounds

    for round_id in {instance.round_id, getattr(instance, "loaded_round_id", None)} - {None}:
        rounds.forget_stages(round_id)


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("CSR programs")

    def ready(self):
        from core import versions
        from core.audit import track

        # Declares the kept stage counts, which the worker renews by name (core.kept).
        from . import rounds  # noqa: F401
        from .models import (
            Amendment,
            Attachment,
            Consultation,
            OutputIndicator,
            PlanBudget,
            Pledge,
            Program,
            ProgramOutput,
            ProgramPartner,
            Round,
            StrategicPlan,
            StrategyFile,
        )

        track(Program, m2m=["villages"])
        # Where committed programs work decides which kelurahan CSR has reached ("reach").
        m2m_changed.connect(
            villages_changed, sender=Program.villages.through, dispatch_uid="program_villages"
        )
        track(Round, m2m=["villages"])
        # Both versions of the program are the amendment's content, shown on its page; the
        # trail records who proposed and decided what, and the program's rows as they change.
        track(Amendment, skip=["base", "proposed"])
        track(StrategicPlan, m2m=["villages"])
        # Participants' names are personal data: never copied into the trail (their views are
        # recorded, programs.views.strategy).
        track(Consultation, m2m=["villages", "programs"], skip=["participant_names"])
        for model in (PlanBudget, StrategyFile):
            track(model)
        # The public kelurahan pages draw their consultations again (docs/caching.md).
        versions.watch("consultations", Consultation)
        m2m_changed.connect(
            consultation_villages_changed,
            sender=Consultation.villages.through,
            dispatch_uid="consultation_villages",
        )
        for model in (Pledge, Attachment, OutputIndicator, ProgramOutput, ProgramPartner):
            track(model)
        versions.watch("filter_choices", Round)  # the inbox filters by round
        # Invitations change only in programs.rounds.round_save, which forgets the counts itself
        # (a receiver on them would make every deletion of thousands load each row).
        for signal in (post_save, post_delete):
            signal.connect(round_changed, sender=Program, dispatch_uid="round_stages")
