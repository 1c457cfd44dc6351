"""Checking an uploaded photo before anything is written: present, within the size
limit, and really an image (decoded by Pillow, judged by its content, not its
name). Shared by field reports and house-renovation evidence."""

from __future__ import annotations

import io
from dataclasses import dataclass

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class BadImage(ValueError):
    """The upload is not an acceptable photo; the message is Indonesian, for the user."""


@dataclass(frozen=True)
class CheckedImage:
    content: bytes
    content_type: str
    width: int
    height: int


def read_image(upload, label: str, limit: int) -> CheckedImage:
    """Read and check one uploaded photo (`label` names it in messages)."""
    # Loaded on first use: a heavy library, kept out of start-up.
    from PIL import Image, UnidentifiedImageError

    if upload.size > limit:
        raise BadImage(
            f"Foto '{label}' terlalu besar ({upload.size // 1024} KB; maksimal "
            f"{limit // 1024} KB). Perkecil foto lalu kirim lagi."
        )
    content = upload.read()
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise BadImage(
            f"Berkas '{label}' bukan foto yang dapat dibaca (JPEG, PNG atau WebP)."
        ) from None
    if kind not in IMAGE_TYPES:
        raise BadImage(f"Berkas '{label}' harus berupa foto JPEG, PNG atau WebP.")
    return CheckedImage(content, IMAGE_TYPES[kind], width, height)
