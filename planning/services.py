import logging

from django.db import transaction

from .models import Need

logger = logging.getLogger(__name__)


def need_save(*, need: Need, by) -> Need:
    """Create or update a need, validated in full."""
    if need.pk is None:
        need.created_by = by
    need.full_clean()
    need.save()
    return need


@transaction.atomic
def need_set_status(*, need: Need, status: str, by) -> Need:
    """Close a need (no more pledges toward it) or open it again."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    need.status = status
    need.save(update_fields=["status", "updated_at"])
    logger.info("need %s set to %s by %s", need.pk, status, by)
    return need
