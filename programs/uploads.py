"""What a program's attachment may be: checked by its content, never by its name."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

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
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.extension not in ACCEPTED:
        raise ValidationError(
            _(
                "Only PDF, photos (JPEG, PNG, WebP) and office documents are accepted; "
                "this file's content is not one of them."
            )
        )
    return kind.mime
