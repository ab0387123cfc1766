"""Downloads prepared in the background (PreparedFile): a page asks, the worker writes the file
into storage, the page then offers it. Without a broker the task runs in the request
(core.tasks), so the file is ready when the page comes back.

`ask` starts one unless the subject has one being prepared already (a second click, another
planner); `write` runs in the task: the file is written to a temporary file, stored under a
random name, and only then marked ready; a failure is logged and shown as failed, never a
half-written file. Files older than the newest KEPT of a subject are deleted with their rows.
"""

import datetime
import logging
import tempfile
import uuid
from collections.abc import Callable

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from .models import PreparedFile

logger = logging.getLogger(__name__)

KEPT = 3
# A file still "being prepared" after this is taken as lost (a worker that died): asked again.
STALE = datetime.timedelta(minutes=15)


def latest(subject: str) -> PreparedFile | None:
    return PreparedFile.objects.filter(subject=subject).order_by("-requested_at", "-pk").first()


def ask(*, subject: str, filename: str, by, version: str = "") -> tuple[PreparedFile, bool]:
    """(the file, whether it is new): the one being prepared for `subject`, else a new one
    in the asking person's language, for the caller to queue (core.tasks.run_later). Two
    asks at once make one (a unique constraint on the subject while queued)."""
    now = timezone.now()
    # Still "being prepared" long after: its worker died. It is failed, so it can be asked again.
    PreparedFile.objects.filter(
        subject=subject, status=PreparedFile.Status.QUEUED, requested_at__lt=now - STALE
    ).update(status=PreparedFile.Status.FAILED, finished_at=now)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                created = PreparedFile.objects.create(
                    subject=subject,
                    filename=filename,
                    version=version,
                    language=translation.get_language() or "id",
                    requested_by=by,
                )
            return created, True
        except IntegrityError:
            pending = PreparedFile.objects.filter(
                subject=subject, status=PreparedFile.Status.QUEUED
            ).first()
            if pending is not None:
                return pending, False
    raise RuntimeError(f"could not ask for {subject}")  # finished twice in between: not seen


def write(prepared_id: int, fill: Callable) -> PreparedFile | None:
    """Run `fill(file)` into a temporary file in the asker's language, store the result and
    mark it ready (or failed), then delete the subject's older files. A file no longer being
    prepared (a task delivered twice, a build given up as stale) is left as it is and what
    this run stored is deleted again."""
    prepared = PreparedFile.objects.filter(
        pk=prepared_id, status=PreparedFile.Status.QUEUED
    ).first()
    if prepared is None:
        return None
    storage = prepared.file.storage
    suffix = prepared.filename.rpartition(".")[2][:10]
    stored, size, status = "", 0, PreparedFile.Status.FAILED
    try:
        with tempfile.TemporaryFile() as temporary, translation.override(prepared.language):
            fill(temporary)
            temporary.seek(0)
            stored = storage.save(f"prepared/{uuid.uuid4().hex}.{suffix}", File(temporary))
        size, status = storage.size(stored), PreparedFile.Status.READY
    except Exception:
        logger.exception("could not prepare %s (%s)", prepared.filename, prepared.subject)
    done = PreparedFile.objects.filter(pk=prepared.pk, status=PreparedFile.Status.QUEUED)
    if not done.update(status=status, file=stored, size=size, finished_at=timezone.now()):
        if stored:
            storage.delete(stored)
        return None
    _forget_older(prepared.subject)
    return PreparedFile.objects.get(pk=prepared.pk)


def _forget_older(subject: str) -> None:
    kept = PreparedFile.objects.filter(subject=subject).order_by("-requested_at", "-pk")
    for old in kept[KEPT:]:
        if old.status == PreparedFile.Status.QUEUED and old.requested_at >= timezone.now() - STALE:
            continue  # still being prepared by another worker
        old.file.delete(save=False)
        old.delete()
