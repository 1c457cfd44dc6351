"""Bedah Rumah from survey to handover, and every refusal on the way."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pilar.assessments.stats import summary_by_district
from pilar.conftest import VILLAGE_A, make_household
from pilar.core.errors import InvalidInput
from pilar.programs import enrollment as enrollment_actions
from pilar.programs.choices import EnrollmentStatus
from pilar.programs.models import Enrollment
from pilar.registry.models import HousingSurvey
from pilar.renovations import actions
from pilar.renovations.choices import PhotoKind, Status
from pilar.renovations.models import CostItem, Renovation, RenovationPhoto
from pilar.renovations.target import target_rows
from pilar.renovations.tests.helpers import (
    ITEMS,
    PLAN,
    RENOVATED,
    approved_enrollment,
    bedah_rumah,
    jpeg,
    opened,
    working,
)

pytestmark = pytest.mark.django_db

DISTRICT_A = VILLAGE_A.rsplit(".", 1)[0]


def _rtlh_in_district(user) -> int:
    rows = {r["kecamatan"]: r for r in summary_by_district(user, datetime.date(2026, 11, 1))}
    return rows[DISTRICT_A]["rtlh"]


def _finished(dinsos):
    """Working, with a 40 % report on 20 March and 100 % on 15 April."""
    renovation = working(dinsos)
    actions.report_progress(
        renovation,
        acting_user=dinsos,
        reported_on="2026-03-20",
        percent=40,
        files=[jpeg()],
        data={"note": "Dinding naik"},
    )
    actions.report_progress(
        renovation,
        acting_user=dinsos,
        reported_on="2026-04-15",
        percent=100,
        files=[jpeg()],
        data={},
    )
    renovation.refresh_from_db()
    return renovation


HANDOVER = {
    "handed_over_on": "2026-04-20",
    "handover_number": "BAST/027/DINSOS/2026",
    "final_cost": "13.600.000",
    "cost_reason": "Sisa bahan dikembalikan",
}


def test_survey_to_handover_takes_the_house_out_of_the_rtlh_count(dinsos):
    renovation = _finished(dinsos)
    assert renovation.status == Status.WORKING and renovation.progress == 100
    before = _rtlh_in_district(dinsos)
    rows, total = target_rows(dinsos, datetime.date(2026, 11, 1), 2030)
    assert total.remaining == before >= 1 and total.in_progress == 1

    done = actions.hand_over(
        renovation,
        acting_user=dinsos,
        data=HANDOVER,
        survey=RENOVATED,
        after_files=[jpeg("sesudah.jpg")],
    )

    assert done.status == Status.HANDED_OVER
    assert done.after_assessment is not None and done.after_assessment.is_rtlh is False
    assert done.after_survey.surveyed_on == datetime.date(2026, 4, 20)
    assert done.final_cost == Decimal("13600000")
    assert _rtlh_in_district(dinsos) == before - 1
    enrollment = done.enrollment
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.delivered_amount == Decimal("13600000")
    assert enrollment.delivered_on == datetime.date(2026, 4, 20)
    rows, total = target_rows(dinsos, datetime.date(2026, 11, 1), 2030)
    assert total.remaining == before - 1
    assert total.in_progress == 0 and total.by_year[2026] == 1 and total.last_12_months == 1
    assert list(done.steps.values_list("action", flat=True)) == [
        "buka",
        "rab",
        "foto",
        "mulai",
        "progres",
        "progres",
        "serah_terima",
    ]
    kinds = sorted(RenovationPhoto.objects.filter(renovation=done).values_list("kind", flat=True))
    assert kinds == ["progres", "progres", "sebelum", "sesudah"]


def test_a_handover_that_still_fails_keeps_the_house_in_the_count(dinsos):
    renovation = _finished(dinsos)
    before = _rtlh_in_district(dinsos)
    cramped = {**RENOVATED, "floor_area_m2": "20"}  # 5 m² per person < 7.2
    done = actions.hand_over(
        renovation, acting_user=dinsos, data=HANDOVER, survey=cramped, after_files=[jpeg()]
    )
    assert done.after_assessment.is_rtlh is True
    assert _rtlh_in_district(dinsos) == before
    _, total = target_rows(dinsos, datetime.date(2026, 11, 1), 2030)
    assert total.still_rtlh_after == 1


def test_handover_refusals_write_nothing(dinsos):
    renovation = working(dinsos)
    surveys = HousingSurvey.objects.count()
    with pytest.raises(InvalidInput) as exc:
        actions.hand_over(
            renovation, acting_user=dinsos, data=HANDOVER, survey=RENOVATED, after_files=[jpeg()]
        )
    assert "100%" in exc.value.errors["__all__"][0]
    actions.report_progress(
        renovation,
        acting_user=dinsos,
        reported_on="2026-04-15",
        percent=100,
        files=[jpeg()],
        data={},
    )
    with pytest.raises(InvalidInput) as exc:  # no after photo, cost differs without a reason
        actions.hand_over(
            renovation,
            acting_user=dinsos,
            data={**HANDOVER, "cost_reason": ""},
            survey=RENOVATED,
        )
    assert set(exc.value.errors) == {"after_photos", "cost_reason"}
    with pytest.raises(InvalidInput) as exc:  # a survey value outside the instrument
        actions.hand_over(
            renovation,
            acting_user=dinsos,
            data=HANDOVER,
            survey={**RENOVATED, "roof_material": "emas"},
            after_files=[jpeg()],
        )
    assert "survey.roof_material" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        actions.hand_over(
            renovation,
            acting_user=dinsos,
            data={**HANDOVER, "handed_over_on": "2026-04-01"},
            survey=RENOVATED,
            after_files=[jpeg()],
        )
    assert "handed_over_on" in exc.value.errors
    renovation.refresh_from_db()
    assert renovation.status == Status.WORKING
    assert HousingSurvey.objects.count() == surveys
    assert not RenovationPhoto.objects.filter(kind=PhotoKind.AFTER).exists()
    renovation.enrollment.refresh_from_db()
    assert renovation.enrollment.status == EnrollmentStatus.APPROVED


def test_handover_at_planned_amount_needs_no_reason(dinsos):
    renovation = _finished(dinsos)
    done = actions.hand_over(
        renovation,
        acting_user=dinsos,
        data={**HANDOVER, "final_cost": "15000000", "cost_reason": ""},
        survey=RENOVATED,
        after_files=[jpeg()],
    )
    assert done.enrollment.amount_reason == ""


def test_open_needs_an_approved_house_renovation_enrollment(dinsos):
    enrollment = approved_enrollment(dinsos)
    actions.open_renovation(enrollment, acting_user=dinsos, data=PLAN)
    with pytest.raises(InvalidInput) as exc:
        actions.open_renovation(enrollment, acting_user=dinsos, data=PLAN)
    assert exc.value.codes["__all__"] == "twice"
    with pytest.raises(InvalidInput) as exc:
        actions.open_renovation(enrollment, acting_user=dinsos, data={"mode": "sulap"})
    assert "mode" in exc.value.errors
    assert Renovation.objects.count() == 1


def test_open_refuses_an_enrollment_not_yet_approved(dinsos):
    household = make_household(dinsos)
    listed = enrollment_actions.enroll(bedah_rumah(), acting_user=dinsos, household=household)
    enrollment_actions.propose(bedah_rumah(), [listed.pk], acting_user=dinsos)
    proposed = Enrollment.objects.get(household=household)
    with pytest.raises(InvalidInput) as exc:
        actions.open_renovation(proposed, acting_user=dinsos, data=PLAN)
    assert "disetujui" in exc.value.errors["__all__"][0]
    assert not Renovation.objects.exists()


def test_field_workers_and_leaders_may_not_write(dinsos, tksk_a, psm_a, pimpinan):
    enrollment = approved_enrollment(dinsos)
    for user in (tksk_a, psm_a, pimpinan):
        with pytest.raises(PermissionDenied):
            actions.open_renovation(enrollment, acting_user=user, data=PLAN)


def test_plan_total_may_not_exceed_the_benefit(dinsos):
    renovation = opened(dinsos)
    big = [{**ITEMS[0], "quantity": "20000"}]  # Rp20.000.000 > Rp15.000.000
    with pytest.raises(InvalidInput) as exc:
        actions.save_plan(renovation, acting_user=dinsos, data=PLAN, items=big)
    assert "melebihi" in exc.value.errors["items"][0]
    assert not CostItem.objects.exists()
    bad = [
        {
            "category": "bahan",
            "description": "Pasir",
            "quantity": "x",
            "unit": "",
            "unit_price": "1",
        }
    ]
    with pytest.raises(InvalidInput) as exc:
        actions.save_plan(renovation, acting_user=dinsos, data=PLAN, items=bad)
    assert {"items.0.quantity", "items.0.unit"} <= set(exc.value.errors)
    actions.save_plan(renovation, acting_user=dinsos, data=PLAN, items=ITEMS)
    assert renovation.planned_cost == Decimal("13600000")  # 2.000.000 + 2.600.000 + 9.000.000
    actions.save_plan(renovation, acting_user=dinsos, data=PLAN, items=ITEMS[:1])
    assert CostItem.objects.filter(renovation=renovation).count() == 1


def test_start_needs_plan_and_before_photo(dinsos):
    renovation = opened(dinsos)
    with pytest.raises(InvalidInput) as exc:
        actions.start_work(renovation, acting_user=dinsos, started_on="2026-03-02")
    codes = " ".join(exc.value.errors["__all__"])
    assert "RAB" in codes and "foto" in codes
    renovation.refresh_from_db()
    assert renovation.status == Status.PLANNING


def test_progress_never_goes_back_nor_earlier(dinsos):
    renovation = working(dinsos)
    actions.report_progress(
        renovation,
        acting_user=dinsos,
        reported_on="2026-03-20",
        percent=50,
        files=[jpeg()],
        data={},
    )
    with pytest.raises(InvalidInput) as exc:
        actions.report_progress(
            renovation,
            acting_user=dinsos,
            reported_on="2026-03-25",
            percent=30,
            files=[jpeg()],
            data={},
        )
    assert exc.value.codes["percent"] == "backwards"
    with pytest.raises(InvalidInput) as exc:
        actions.report_progress(
            renovation,
            acting_user=dinsos,
            reported_on="2026-03-10",
            percent=60,
            files=[jpeg()],
            data={},
        )
    assert "reported_on" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:  # a progress report needs a photo
        actions.report_progress(
            renovation, acting_user=dinsos, reported_on="2026-03-25", percent=60, files=[], data={}
        )
    assert "photos" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:  # same figure: say why
        actions.report_progress(
            renovation,
            acting_user=dinsos,
            reported_on="2026-03-25",
            percent=50,
            files=[jpeg()],
            data={},
        )
    assert "note" in exc.value.errors
    renovation.refresh_from_db()
    assert renovation.progress == 50 and renovation.reports.count() == 1


def test_a_file_that_is_not_a_photo_is_refused(dinsos):
    renovation = opened(dinsos)
    fake = SimpleUploadedFile("rumah.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(InvalidInput) as exc:
        actions.add_photos(
            renovation,
            acting_user=dinsos,
            kind="sebelum",
            taken_on="2026-02-20",
            files=[fake],
            data={},
        )
    assert "bukan foto" in exc.value.errors["photos"][0]
    assert not RenovationPhoto.objects.exists()


def test_photos_are_stored_small_as_jpeg(dinsos):
    renovation = opened(dinsos)
    actions.add_photos(
        renovation,
        acting_user=dinsos,
        kind="sebelum",
        taken_on="2026-02-20",
        files=[jpeg(size=(4000, 3000))],
        data={"latitude": "-6.17", "longitude": "106.63"},
    )

    photo = RenovationPhoto.objects.get()
    with Image.open(photo.image.open("rb")) as image:
        assert max(image.size) == actions.PHOTO_MAX_SIDE and image.format == "JPEG"
    assert photo.latitude == Decimal("-6.170000")


def test_cancel_needs_a_reason_and_ends_the_work(dinsos):
    renovation = working(dinsos)
    with pytest.raises(InvalidInput):
        actions.cancel(renovation, acting_user=dinsos, reason=" ")
    actions.cancel(renovation, acting_user=dinsos, reason="Penerima pindah domisili")
    renovation.refresh_from_db()
    assert renovation.status == Status.CANCELLED
    with pytest.raises(InvalidInput) as exc:
        actions.report_progress(
            renovation,
            acting_user=dinsos,
            reported_on="2026-03-20",
            percent=50,
            files=[jpeg()],
            data={},
        )
    assert exc.value.codes["__all__"] == "stale"


def test_bedah_rumah_is_delivered_only_by_its_handover(dinsos):
    enrollment = approved_enrollment(dinsos)
    with pytest.raises(InvalidInput) as exc:
        enrollment_actions.deliver(
            enrollment,
            acting_user=dinsos,
            delivered_on=datetime.date(2026, 4, 20),
            amount="15000000",
            note="langsung",
        )
    assert exc.value.codes["__all__"] == "via_handover"
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.APPROVED


def test_open_needs_a_housing_survey(dinsos):
    household = make_household(dinsos)  # never surveyed
    program = bedah_rumah()
    listed = enrollment_actions.enroll(program, acting_user=dinsos, household=household)
    enrollment_actions.propose(program, [listed.pk], acting_user=dinsos)
    enrollment = Enrollment.objects.get(household=household)
    enrollment_actions.approve(program, [enrollment.pk], acting_user=dinsos)
    with pytest.raises(InvalidInput) as exc:
        actions.open_renovation(enrollment, acting_user=dinsos, data=PLAN)
    assert exc.value.codes["__all__"] == "survey"
    assert "belum memiliki survei rumah" in exc.value.errors["__all__"][0]
    assert not Renovation.objects.exists()
