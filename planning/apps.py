from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Development plan")

    def ready(self):
        from core import versions, vocabulary
        from core.audit import track

        from .models import (
            DEFAULT_UNITS,
            PERSONAL_FIELDS,
            DevelopmentPlan,
            Need,
            NeedImport,
            Priority,
            PriorityYearTarget,
            TargetUnit,
            Unit,
        )

        for model in (Unit, DevelopmentPlan, Priority, PriorityYearTarget, Need):
            track(model)
        # An import's cells (a register's names and addresses) never go to the audit trail;
        # neither does a household's personal data.
        track(NeedImport, skip=["table", "preview"])
        track(TargetUnit, skip=[*PERSONAL_FIELDS, "nik_hash"])
        # The current plan is kept between requests (planning.models): forget it on every
        # change of a plan, whatever the entry point.
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(_plan_changed, sender=DevelopmentPlan, dispatch_uid=f"plan_{name}")
        # The needs suggested for programs are kept too (programs.matching), and the list
        # filters' drawn choices (templates/includes/_filter_form.html).
        versions.watch("needs", Need, Priority)
        versions.watch("filter_choices", DevelopmentPlan, Priority)
        vocabulary.watch(Unit, DEFAULT_UNITS, app_config=self)


def _plan_changed(sender, instance, signal, **kwargs):
    from .models import forget_current_plan, plan_saved

    forget_current_plan()
    plan_saved(instance, deleted=signal is post_delete)
