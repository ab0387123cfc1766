"""Uploaded files: random stored names, sizes checked before anything else, types by content."""

import uuid
from pathlib import Path

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def random_upload_name(folder: str, filename: str) -> str:
    """A stored name that reveals nothing and cannot be guessed; the original name is kept in
    the model. Only the (lower-cased, short) extension survives."""
    return f"{folder}/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:10]}"


def _bytes(size: int) -> str:
    return _("%(count)s bytes") % {"count": f"{size:,}".replace(",", ".")}


def check_size(upload, limit: int) -> None:
    """ValidationError if `upload` is larger than `limit` bytes, saying both sizes so that
    they differ on the page even when they round alike ("10,0 MB")."""
    if upload.size <= limit:
        return
    size, most = filesizeformat(upload.size), filesizeformat(limit)
    if size == most:
        size, most = _bytes(upload.size), _bytes(limit)
    raise ValidationError(
        _("The file is %(size)s; the limit is %(limit)s.") % {"size": size, "limit": most}
    )


def sniff(upload, accepted: set[str]) -> str | None:
    """The upload's real type (MIME) from its first bytes if its kind is `accepted` (by
    extension names such as "pdf", "png"), else None. The file's name is never trusted."""
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind is not None and kind.extension in accepted else None


def display_name(name: str, limit: int = 255) -> str:
    """The original name, shortened to fit its column while keeping its extension."""
    path = Path(name or "file")
    suffix = path.suffix[:20]
    return name if len(name) <= limit else path.stem[: limit - len(suffix)] + suffix


def serve_private(stored, *, filename: str, content_type: str, inline: bool):
    """A stored file to the browser, from outside every static root, not cached by proxies.
    Only re-encoded images are shown inline; anything else is a download."""
    from django.http import FileResponse, Http404

    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError) as e:
        raise Http404 from e
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=filename
    )
    response["Cache-Control"] = "private, max-age=0"
    return response
