"""Uploaded photos, checked before anything is written: present, within the size
limit, and really an image (decoded by Pillow, judged by its content, not its
name); optionally re-encoded as a bounded JPEG. The one place where field
reports (submissions) and house-renovation evidence read their photos; each app
keeps its own rules (which photos are expected, how many, the size limit, the
field its messages go under) and passes them in.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile

from pilar.core.errors import ErrorCollector

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
JPEG_QUALITY = 85


class BadImage(ValueError):
    """The upload is not an acceptable photo; the message is Indonesian, for the user."""


@dataclass(frozen=True)
class CheckedImage:
    """A photo that passed the checks: the bytes to store and what to record of them."""

    content: bytes
    content_type: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)

    def as_file(self) -> ContentFile:
        """The content for a FileField's `save()`."""
        return ContentFile(self.content)


def identify(content: bytes) -> tuple[str, int, int] | None:
    """Pillow's name of the image format ("JPEG", "PNG", ...) with the width and
    height, or None when the bytes are not an image Pillow can decode (a
    decompression bomb included)."""
    # Loaded on first use: a heavy library, kept out of start-up.
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            return image.format or "", image.width, image.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def _as_jpeg(content: bytes, max_side: int) -> tuple[bytes, int, int] | None:
    """Upright (EXIF orientation applied), at most `max_side` pixels on the long
    side, re-encoded as JPEG: the EXIF data (which may hold the phone's identity
    and position) is not copied. None when Pillow cannot re-encode it."""
    # Loaded on first use: a heavy library, kept out of start-up.
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(content)) as opened:
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((max_side, max_side))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
            return out.getvalue(), image.width, image.height
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def read_image(upload, label: str, limit: int, *, max_side: int | None = None) -> CheckedImage:
    """Read and check one uploaded photo (`label` names it in messages). With
    `max_side`, the photo comes back re-encoded by `_as_jpeg`; without it, as sent."""
    if upload.size > limit:
        raise BadImage(
            f"Foto '{label}' terlalu besar ({upload.size // 1024} KB; maksimal "
            f"{limit // 1024} KB). Perkecil foto lalu kirim lagi."
        )
    content = upload.read()
    identified = identify(content)
    if identified is None:
        raise BadImage(f"Berkas '{label}' bukan foto yang dapat dibaca (JPEG, PNG atau WebP).")
    kind, width, height = identified
    if kind not in IMAGE_TYPES:
        raise BadImage(f"Berkas '{label}' harus berupa foto JPEG, PNG atau WebP.")
    if max_side is not None:
        encoded = _as_jpeg(content, max_side)
        if encoded is None:
            raise BadImage(f"Berkas '{label}' bukan foto yang dapat dibaca.")
        jpeg, width, height = encoded
        return CheckedImage(jpeg, "image/jpeg", width, height)
    return CheckedImage(content, IMAGE_TYPES[kind], width, height)


def check_image(
    errors: ErrorCollector,
    field: str,
    upload,
    label: str,
    limit: int,
    *,
    max_side: int | None = None,
) -> CheckedImage | None:
    """`read_image`, with a refusal added to `errors` under `field` (None returned)
    so every photo's problem is reported at once, before anything is written."""
    try:
        return read_image(upload, label, limit, max_side=max_side)
    except BadImage as exc:
        errors.add(field, str(exc))
        return None
