"""A company's strategic plans and consultations: saved with their rows and documents, all or
nothing, an edit from a stale form refused (core.concurrency)."""

from django.db import transaction

from core import files

from .models import Consultation, StrategicPlan, StrategyFile


@transaction.atomic
def strategy_save(*, form, formsets=(), upload=None, by) -> StrategicPlan | Consultation:
    """Save the plan or consultation of `form` with its `formsets` (a plan's yearly budgets);
    remove the documents it ticks and keep the one `upload` carries."""
    instance = form.instance
    if instance.pk is None:
        instance.created_by = by
    else:
        type(instance).objects.select_for_update().only("pk").get(pk=instance.pk)
        form.check_version()
    saved = form.save()
    for formset in formsets:
        formset.instance = saved
        formset.save()
    for stored in form.cleaned_data.get("remove_files") or []:
        files.remove(stored)
    if upload is not None and upload.cleaned_data.get("file"):
        owner = "plan" if isinstance(saved, StrategicPlan) else "consultation"
        files.store(StrategyFile(**{owner: saved}), upload, by=by)
    return saved
