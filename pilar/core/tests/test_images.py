"""The one photo reader (pilar.core.images) used by submissions and renovations:
checks by content, keeps a photo as sent or re-encodes it small without EXIF,
and answers every bad upload with an Indonesian message, never a 500."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pilar.core.errors import ErrorCollector
from pilar.core.images import BadImage, check_image, read_image

LIMIT = 1024 * 1024
ORIENTATION, MAKE, GPS_INFO = 0x0112, 0x010F, 0x8825


def upload(content: bytes, name: str = "foto.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def photo(size=(400, 300), fmt="JPEG", exif: Image.Exif | None = None) -> bytes:
    buf = io.BytesIO()
    image = Image.new("RGB", size, (120, 80, 40))
    image.save(buf, fmt, **({"exif": exif} if exif is not None else {}))
    return buf.getvalue()


def phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "PonselSaya"
    exif[ORIENTATION] = 6  # taken sideways: the viewer turns it 90 degrees
    exif.get_ifd(GPS_INFO)[2] = (6.0, 10.0, 0.0)
    return exif


def test_a_photo_without_max_side_is_kept_as_sent():
    content = photo(fmt="PNG")
    image = read_image(upload(content, "foto.png"), "depan", LIMIT)
    assert image.content == content
    assert (image.content_type, image.width, image.height) == ("image/png", 400, 300)
    assert image.size == len(content)
    assert image.sha256 == hashlib.sha256(content).hexdigest()
    assert image.as_file().read() == content


def test_max_side_re_encodes_upright_small_jpeg_without_exif():
    content = photo(size=(3200, 2400), exif=phone_exif())
    with Image.open(io.BytesIO(content)) as original:
        assert original.getexif()[MAKE] == "PonselSaya"
    image = read_image(upload(content), "sebelum", LIMIT * 8, max_side=1600)
    assert image.content_type == "image/jpeg"
    # Orientation 6 applied: the 4:3 landscape pixels become a 3:4 portrait.
    assert (image.width, image.height) == (1200, 1600)
    with Image.open(io.BytesIO(image.content)) as stored:
        assert stored.format == "JPEG" and stored.size == (1200, 1600)
        exif = stored.getexif()
        assert MAKE not in exif and ORIENTATION not in exif
        assert not exif.get_ifd(GPS_INFO)
    assert image.sha256 == hashlib.sha256(image.content).hexdigest()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"%PDF-1.4 bukan foto",
            "Berkas 'depan' bukan foto yang dapat dibaca (JPEG, PNG atau WebP).",
        ),
        (photo(fmt="GIF"), "Berkas 'depan' harus berupa foto JPEG, PNG atau WebP."),
    ],
)
def test_not_a_photo_is_refused_by_its_content(content, message):
    with pytest.raises(BadImage) as exc:
        read_image(upload(content), "depan", LIMIT)
    assert str(exc.value) == message


def test_too_large_is_refused_before_reading():
    with pytest.raises(BadImage) as exc:
        read_image(upload(b"x" * 3000), "depan", 2048)
    assert str(exc.value) == (
        "Foto 'depan' terlalu besar (2 KB; maksimal 2 KB). Perkecil foto lalu kirim lagi."
    )


def test_a_decompression_bomb_is_refused_not_a_server_error(monkeypatch):
    # Pillow refuses images above twice MAX_IMAGE_PIXELS; lowered here so a small
    # file stands in for a few-KB PNG that would decode to gigabytes.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    for max_side in (None, 1600):
        with pytest.raises(BadImage) as exc:
            read_image(upload(photo(size=(100, 100), fmt="PNG")), "depan", LIMIT, max_side=max_side)
        assert "bukan foto yang dapat dibaca" in str(exc.value)


def test_check_image_collects_every_problem_under_the_field():
    errors = ErrorCollector()
    good = check_image(errors, "photos", upload(photo()), "a.jpg", LIMIT)
    bad = check_image(errors, "photos", upload(b"not an image"), "b.jpg", LIMIT)
    too_big = check_image(errors, "photos", upload(b"x" * 3000), "c.jpg", 2048)
    assert good is not None and bad is None and too_big is None
    assert list(errors.errors) == ["photos"]
    assert len(errors.errors["photos"]) == 2
    assert "'b.jpg'" in errors.errors["photos"][0] and "'c.jpg'" in errors.errors["photos"][1]
