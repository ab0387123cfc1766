"""Models of the bottom floor: files prepared in the background for a person to fetch, what the
shared cache may hold that is stale, and the abstract records the apps' models build on (a
status change, a stored file)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .db import ChoiceLabels
from .uploads import random_upload_name


class PreparedFile(ChoiceLabels, models.Model):
    """A download too large to make while a person waits (a round's workbook for 5,000
    companies takes seconds): asked for on a page, written by the worker (core.prepared),
    then fetched from that page. `subject` names what it is of ("round-workbook:12"); only
    the newest few of a subject are kept."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    subject = models.CharField(_("subject"), max_length=100)
    filename = models.CharField(_("file name"), max_length=200)
    # What the file was written from, when its subject says (open data: the figures' tokens).
    version = models.CharField(_("version"), max_length=60, blank=True)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(_("file"), upload_to="prepared/", blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("prepared file")
        verbose_name_plural = _("prepared files")
        indexes = [models.Index(fields=["subject", "-requested_at"], name="prepared_newest")]
        constraints = [
            # One being prepared per subject: two clicks at once queue one build.
            models.UniqueConstraint(
                fields=["subject"], condition=models.Q(status="queued"), name="prepared_one_queued"
            ),
        ]

    def __str__(self):
        return self.filename


class SharedCacheState(models.Model):
    """The shared cache (Redis) as the database remembers it, one row per cache: since when it
    may hold values a process could not replace or delete while Redis was away (a signed-out
    session, an old version token). Set by that process, cleared by whichever process empties
    the cache first once Redis answers again (core.cache); kept here so that it outlives the
    process that noted it."""

    location = models.CharField(_("cache"), max_length=200, unique=True)
    stale_since = models.DateTimeField(_("stale since"), null=True, blank=True)

    class Meta:
        verbose_name = _("shared cache state")
        verbose_name_plural = _("shared cache states")

    def __str__(self):
        return self.location


class Transition(models.Model):
    """One change of a status (a program's, a report's): who, when, from, to and why. Each
    model with a status has its own table of these, made through core.transitions only."""

    from_status = models.CharField(_("from status"), max_length=20)
    to_status = models.CharField(_("to status"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    # The field naming the object whose status changed ("program", "report").
    subject_field = ""

    class Meta:
        abstract = True

    def __str__(self):
        subject = getattr(self, f"{self.subject_field}_id")
        return f"{subject}: {self.get_from_status_display()} → {self.get_to_status_display()}"


def stored_file_path(instance, filename: str) -> str:
    """A stored file's name: random, in its model's folder (`StoredFile.folder`)."""
    return random_upload_name(instance.folder, filename)


class StoredFile(models.Model):
    """A file a person uploaded (a program's attachment, a report's evidence): kept under a
    random name outside every static root, served only through a view that checks permission
    (core.files.serve). A photo is decoded and re-encoded on the server (core.images): the
    pages show only that copy and its thumbnail, never the bytes as uploaded (a file can be a
    valid image and something else at once). Added and removed through core.files."""

    folder = ""  # where the subclass's files are kept

    file = models.FileField(_("file"), upload_to=stored_file_path)
    image = models.FileField(_("image"), upload_to=stored_file_path, blank=True)
    thumbnail = models.FileField(_("thumbnail"), upload_to=stored_file_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    FILE_FIELDS = ("file", "image", "thumbnail")

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return bool(self.image)
