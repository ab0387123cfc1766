"""Files people upload (core.models.StoredFile): checked, kept, served and removed alike,
whether they are a program's attachments or a report's evidence.

The form (`UploadForm`) checks the size and the content (by magic bytes, never the name) and
re-encodes a photo; `store` and `remove` run inside the caller's transaction, with the object
the file belongs to locked and still editable (a submission that committed a moment ago
leaves nothing to attach to, or remove from, the submitted object); `serve` hands a file only
to whoever the view let through."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .images import reencode_photo
from .models import StoredFile
from .uploads import check_size, display_name, serve_private, sniff

PHOTOS = {"jpg", "png", "webp"}


class UploadForm(forms.Form):
    """One uploaded file: at most ATTACHMENT_MAX_BYTES, of the `accepted` kinds (by content);
    a photo is decoded and re-encoded here (`photo`: the display image and thumbnail)."""

    accepted: set[str] = set()
    refused = ""  # what to say of any other content

    # Stored under a random name: the original, however long, is kept shortened.
    file = forms.FileField(label=_("File"), max_length=None)

    content_type = ""
    photo = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_size(upload, settings.ATTACHMENT_MAX_BYTES)
        content_type = sniff(upload, self.accepted)
        if content_type is None:
            raise ValidationError(self.refused)
        self.content_type = content_type
        if content_type.split("/")[-1] in {"jpeg", "png", "webp"}:
            self.photo = reencode_photo(upload)
        return upload


def store(item: StoredFile, form: UploadForm, *, by) -> StoredFile:
    """Keep `form`'s file as `item` (its owner and own fields already set)."""
    upload = form.cleaned_data["file"]
    item.file = upload
    item.original_name = display_name(upload.name)
    item.content_type = form.content_type
    item.size = upload.size
    item.uploaded_by = by
    if form.photo:
        item.image, item.thumbnail = form.photo
    item.save()
    return item


def remove(item: StoredFile) -> None:
    """Delete the row and, once that is committed for good, its stored files."""
    delete_with_files(item, item.FILE_FIELDS)


def delete_with_files(item, fields) -> None:
    """Delete a row and, once that is committed for good, the stored files of its `fields`."""
    stored = [getattr(item, name) for name in fields if getattr(item, name)]
    item.delete()
    for field_file in stored:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


def serve(item: StoredFile, size: str | None):
    """The re-encoded photo inline (?size=thumbnail for the small one); the file as uploaded
    (?size=original, and every other kind of file) as a download."""
    if item.image and size != "original":
        stored = item.thumbnail if size == "thumbnail" and item.thumbnail else item.image
        name = f"{Path(item.original_name).stem}.jpg"
        return serve_private(stored, filename=name, content_type="image/jpeg", inline=True)
    return serve_private(
        item.file, filename=item.original_name, content_type=item.content_type, inline=False
    )
