"""Uploaded files: random stored names, sizes checked before anything else, types by content."""

import re
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


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024


def serve_public(request, stored, *, content_type: str, etag: str, modified, max_age: int):
    """A stored public file (open data) with `ETag`/`Last-Modified` (a client that has it gets
    304) and one byte range (`Range: bytes=a-b`, `a-` or `-n`: 206; beyond the end: 416; a
    range whose `If-Range` no longer matches: the whole file), read in chunks."""
    from django.http import Http404, HttpResponse, StreamingHttpResponse
    from django.utils.cache import get_conditional_response
    from django.utils.http import http_date

    stamp = int(modified.timestamp())
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(stamp),
        "Accept-Ranges": "bytes",
        "Cache-Control": f"public, max-age={max_age}",
    }
    answered = get_conditional_response(request, etag=etag, last_modified=stamp)
    if answered is not None:
        for name, value in headers.items():
            answered[name] = value
        return answered
    size = stored.size
    start, end, status = 0, size - 1, 200
    asked = _RANGE.match(request.headers.get("Range", "").strip())
    if_range = request.headers.get("If-Range")
    if asked and any(asked.groups()) and if_range in (None, etag, headers["Last-Modified"]):
        first, last = asked.groups()
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        else:
            start = max(0, size - int(last))
        if start >= size or start > end or (not first and int(last) == 0):
            refused = HttpResponse(status=416, headers=headers)
            refused["Content-Range"] = f"bytes */{size}"
            return refused
        status = 206
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError) as e:
        raise Http404 from e
    handle.seek(start)

    def chunks(left=end - start + 1):
        with handle:
            while left > 0 and (data := handle.read(min(_CHUNK, left))):
                left -= len(data)
                yield data

    response = StreamingHttpResponse(
        chunks(), status=status, content_type=content_type, headers=headers
    )
    response["Content-Length"] = str(end - start + 1)
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
