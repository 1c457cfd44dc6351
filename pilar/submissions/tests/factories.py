"""Reports built through the actions, for the submissions tests."""

from __future__ import annotations

import datetime
import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pilar.conftest import VILLAGE_A, make_nik
from pilar.submissions import actions


def jpeg(size=(64, 48), color=(200, 120, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG", quality=70)
    return buf.getvalue()


def photo_upload(client_id: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{client_id}.jpg", content or jpeg(), content_type="image/jpeg")


def submission_data(kind: str, payload: dict, household=None, **extra) -> dict:
    data = {
        "client_id": uuid.uuid4(),
        "kind": kind,
        "household_id": household.pk if household is not None else None,
        "payload": payload,
        "base": {},
        "visit_date": datetime.date.today(),
        "latitude": None,
        "longitude": None,
        "gps_accuracy_m": None,
        "notes": "",
        "photos": [],
        "submit": True,
    }
    data.update(extra)
    return data


def new_household_payload(village=VILLAGE_A, nik=None) -> dict:
    return {
        "household": {
            "no_kk": None,
            "no_kk_missing_reason": "tidak_punya_dokumen",
            "address": "Gg. Mawar No. 3",
            "rt": "4",
            "rw": "5",
            "kelurahan": village,
        },
        "members": [
            {
                "nik": nik or make_nik("P", "1950-01-20"),
                "name": "Siti Aminah",
                "sex": "P",
                "birth_date": "1950-01-20",
                "relation": "kepala",
            }
        ],
    }


def submit_change(user, household, payload, **extra):
    submission, _ = actions.create_submission(
        acting_user=user, data=submission_data("perubahan", payload, household, **extra)
    )
    return submission
