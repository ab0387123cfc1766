"""Photos people upload, decoded and re-encoded on the server before anything shows them.

A file can be a valid PNG or JPEG header followed by a PDF, HTML or script (a polyglot): the
portal therefore never shows uploaded bytes inline. It decodes the photo (refusing it when it
cannot), applies its orientation, drops its metadata, and writes a new JPEG for display and a
small thumbnail.

What a photo may cost is known from its header before a pixel is decoded, and refused past
MAX_MEGAPIXELS (a phone takes 12-50; a limit in megapixels is one people know): decoded, a photo
then takes at most 160 MB (40 megapixels of 4 bytes; Pillow keeps 16-bit colours in 8). A JPEG
is decoded straight at the display size (its DCT scaling: a fraction of the memory and time), a
PNG is shrunk in place; no full-size copy is ever made (`make bench-photos` measures it).
"""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_MEGAPIXELS = 40
MAX_PIXELS = MAX_MEGAPIXELS * 1_000_000
# Past this Pillow itself refuses to open a file (a decompression bomb); below it the limit is
# said here, in megapixels.
Image.MAX_IMAGE_PIXELS = 4 * MAX_PIXELS
DISPLAY_SIDE = 1600
THUMBNAIL_SIDE = 400


def _jpeg(image: Image.Image, name: str) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name=name)


def reencode_photo(upload) -> tuple[ContentFile, ContentFile]:
    """(display image, thumbnail) as new JPEG files; ValidationError for what is no photo or
    a photo too large to decode here."""
    unreadable = ValidationError(
        _("This photo cannot be read; save it again as JPEG or PNG and upload it once more.")
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, past MAX_IMAGE_PIXELS: both are a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as photo:  # reads the header only
                megapixels = photo.width * photo.height / 1_000_000
                if megapixels > MAX_MEGAPIXELS:
                    raise _too_large(megapixels)
                photo.verify()
            upload.seek(0)
            with Image.open(upload) as photo:
                orientation = photo.getexif().get(0x0112)
                photo.draft("RGB", (DISPLAY_SIDE, DISPLAY_SIDE))  # JPEG: decode already smaller
                photo.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE))  # in place: no full-size copy
                display = photo.convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(None) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise unreadable from None
    finally:
        upload.seek(0)
    if orientation:
        display.getexif()[0x0112] = orientation
        display = ImageOps.exif_transpose(display)
    thumbnail = display.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return _jpeg(display, "photo.jpg"), _jpeg(thumbnail, "thumbnail.jpg")


def _too_large(megapixels: float | None) -> ValidationError:
    if megapixels is None or megapixels <= MAX_MEGAPIXELS:
        return ValidationError(
            _(
                "This photo is too large to process (more than %(limit)s megapixels); save it "
                "as an ordinary JPEG or send a smaller copy."
            )
            % {"limit": MAX_MEGAPIXELS}
        )
    return ValidationError(
        _(
            "This photo has %(megapixels)s megapixels; the portal takes photos of up to "
            "%(limit)s megapixels. Send a smaller copy (most phones and computers can resize "
            "a photo when sharing it)."
        )
        % {"megapixels": f"{megapixels:.0f}", "limit": MAX_MEGAPIXELS}
    )
