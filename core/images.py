"""Photos people upload, decoded and re-encoded on the server before anything shows them.

A file can be a valid PNG or JPEG header followed by a PDF, HTML or script (a polyglot): the
portal therefore never shows uploaded bytes inline. It decodes the photo (refusing it when it
cannot, or when it claims more pixels than a camera makes: a decompression bomb), applies its
orientation, drops its metadata, and writes a new JPEG for display and a small thumbnail.
"""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# A 50-megapixel camera makes 8,192 x 6,144; more is not a photo of a classroom.
MAX_PIXELS = 60_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
DISPLAY_SIDE = 1600
THUMBNAIL_SIDE = 400


def _jpeg(image: Image.Image, side: int, name: str) -> ContentFile:
    copy = image.copy()
    copy.thumbnail((side, side))
    buffer = io.BytesIO()
    copy.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name=name)


def reencode_photo(upload) -> tuple[ContentFile, ContentFile]:
    """(display image, thumbnail) as new JPEG files; ValidationError for what is no photo."""
    too_large = ValidationError(
        _("This photo has more pixels than a camera makes; send a smaller copy.")
    )
    unreadable = ValidationError(
        _("This photo cannot be read; save it again as JPEG or PNG and upload it once more.")
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, past MAX_IMAGE_PIXELS: both are a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as header:  # reads the header only
                if header.width * header.height > MAX_PIXELS:
                    raise too_large
                header.verify()
            upload.seek(0)
            with Image.open(upload) as photo:
                photo.load()
                image = ImageOps.exif_transpose(photo).convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise unreadable from None
    finally:
        upload.seek(0)
    return _jpeg(image, DISPLAY_SIDE, "photo.jpg"), _jpeg(image, THUMBNAIL_SIDE, "thumbnail.jpg")
