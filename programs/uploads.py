"""What a program's attachment may be: checked by its content, never by its name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.uploads import check_size, sniff

# Magic-byte types accepted: PDF, photos and office documents. No SVG or HTML (scripts).
ACCEPTED = {
    "pdf",
    "jpg",
    "png",
    "webp",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "odp",
}


def check_upload(upload) -> str:
    """The upload's real content type; ValidationError if too large or not accepted."""
    check_size(upload, settings.ATTACHMENT_MAX_BYTES)
    content_type = sniff(upload, ACCEPTED)
    if content_type is None:
        raise ValidationError(
            _(
                "Only PDF, photos (JPEG, PNG, WebP) and office documents are accepted; "
                "this file's content is not one of them."
            )
        )
    return content_type
