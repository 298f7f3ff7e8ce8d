"""Photos with a report: images only, size-limited, re-encoded so no EXIF (GPS, camera) survives."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_SIDE = 2560
# Refuse decompression bombs well before Pillow's own warning threshold.
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def clean_photo(upload: io.IOBase, *, name: str = "photo", field: str = "photos") -> CleanPhoto:
    """Check that `upload` is a JPEG, PNG or WebP within the size limit and strip its metadata."""
    limit = settings.TRYGG_MAX_PHOTO_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError({field: _too_large(name, limit)})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({field: _too_large(name, limit)})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in FORMATS:
            raise UnidentifiedImageError(kind)
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError({field: _("%(name)s has too many pixels.") % {"name": name}})
        # Turn the picture upright before the orientation tag is dropped with the rest.
        image = ImageOps.exif_transpose(image)
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        if kind == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, format=kind, **({"quality": 85} if kind != "PNG" else {}))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            {field: _("%(name)s is not a JPEG, PNG or WebP image.") % {"name": name}}
        ) from None
    return CleanPhoto(out.getvalue(), FORMATS[kind], EXTENSIONS[kind], image.width, image.height)


def _too_large(name: str, limit: int) -> str:
    return _("%(name)s is larger than %(limit)d MB.") % {"name": name, "limit": limit // 2**20}


def store(item: Any, photo: CleanPhoto) -> Any:
    """Save a cleaned photo as ``item`` (a report's or a finding's photo), under a random token.

    The token names the file and the address it is served at, so neither leaks an id.
    """
    token = secrets.token_hex(16)
    item.token = token
    item.content_type = photo.content_type
    item.width, item.height = photo.width, photo.height
    item.image.save(f"{token}.{photo.extension}", ContentFile(photo.content), save=False)
    item.save()
    return item
