"""A program's attachments (core.models.StoredFile)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import StoredFile
from core.uploads import random_upload_name

from .program import Program


def _attachment_path(instance, filename: str) -> str:
    """Named by migrations 0001 and 0006; the files are now named by core.models."""
    return random_upload_name("attachments", filename)


class Attachment(StoredFile):
    """A program's proposal, photo or other document (core.models.StoredFile)."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal")
        PHOTO = "photo", _("Photo")
        OTHER = "other", _("Other document")

    folder = "attachments"

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROPOSAL)

    class Meta:
        ordering = ["program", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def get_absolute_url(self):
        return reverse("programs:attachment", args=[self.program_id, self.pk])

    def get_additional_data(self) -> dict:
        """Kept with each audit entry, so the program's history shows its files."""
        return {"program": self.program_id}
