"""The Bedah Rumah pages as Dinas Sosial uses them, and who may see or write."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_B
from pilar.programs.choices import EnrollmentStatus
from pilar.renovations import actions
from pilar.renovations.choices import Status
from pilar.renovations.models import Renovation
from pilar.renovations.tests.helpers import ITEMS, PLAN, RENOVATED, approved_enrollment, jpeg

pytestmark = pytest.mark.django_db


def _rows(items) -> dict:
    data = {"rows": str(len(items) + 1)}
    for n, item in enumerate(items):
        for key, value in item.items():
            data[f"item-{n}-{key}"] = value
    return data


def test_whole_flow_through_the_pages(client, dinsos):
    enrollment = approved_enrollment(dinsos)
    client.force_login(dinsos)

    ready = client.get(reverse("renovations:ready"))
    assert ready.status_code == 200
    assert reverse("renovations:open", args=[enrollment.pk]) in ready.content.decode()

    response = client.post(reverse("renovations:open", args=[enrollment.pk]), PLAN)
    renovation = Renovation.objects.get(enrollment=enrollment)
    assert response.url == reverse("renovations:detail", args=[renovation.pk])

    response = client.post(
        reverse("renovations:plan", args=[renovation.pk]), {**PLAN, **_rows(ITEMS)}
    )
    assert response.status_code == 302
    assert renovation.cost_items.count() == 3

    url = reverse("renovations:photos", args=[renovation.pk])
    response = client.post(
        url, {"kind": "sebelum", "taken_on": "2026-02-20", "photos": [jpeg(), jpeg("b.jpg")]}
    )
    assert response.status_code == 302 and renovation.photos.count() == 2

    client.post(reverse("renovations:start", args=[renovation.pk]), {"started_on": "2026-03-02"})
    renovation.refresh_from_db()
    assert renovation.status == Status.WORKING

    response = client.post(
        reverse("renovations:progress", args=[renovation.pk]),
        {"reported_on": "2026-04-15", "percent": "100", "photos": [jpeg()]},
    )
    assert response.status_code == 302
    detail = client.get(reverse("renovations:detail", args=[renovation.pk])).content.decode()
    assert 'id="btn-handover"' in detail and "Rp13.600.000" in detail

    survey = {f"survey-{k}": v for k, v in RENOVATED.items()}
    response = client.post(
        reverse("renovations:handover", args=[renovation.pk]),
        {
            "handed_over_on": "2026-04-20",
            "handover_number": "BAST/01/2026",
            "final_cost": "13600000",
            "cost_reason": "Sisa anggaran dikembalikan",
            "after_photos": [jpeg("sesudah.jpg")],
            **survey,
        },
    )
    assert response.status_code == 302
    renovation.refresh_from_db()
    assert renovation.status == Status.HANDED_OVER and not renovation.after_assessment.is_rtlh
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    page = client.get(response.url).content.decode()
    assert "keluar dari hitungan RTLH" in page
    assert 'id="handover-verdict"' in page

    photo = renovation.photos.first()
    image = client.get(reverse("renovations:photo", args=[renovation.pk, photo.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_handover_errors_come_back_on_the_form(client, dinsos):
    enrollment = approved_enrollment(dinsos)
    renovation = actions.open_renovation(enrollment, acting_user=dinsos, data=PLAN)
    actions.save_plan(renovation, acting_user=dinsos, data=PLAN, items=ITEMS)
    actions.add_photos(
        renovation,
        acting_user=dinsos,
        kind="sebelum",
        taken_on="2026-02-20",
        files=[jpeg()],
        data={},
    )
    actions.start_work(renovation, acting_user=dinsos, started_on="2026-03-02")
    actions.report_progress(
        renovation,
        acting_user=dinsos,
        reported_on="2026-04-15",
        percent=100,
        files=[jpeg()],
        data={},
    )
    client.force_login(dinsos)
    survey = {f"survey-{k}": v for k, v in RENOVATED.items()}
    survey["survey-occupants"] = "0"
    response = client.post(
        reverse("renovations:handover", args=[renovation.pk]),
        {"handed_over_on": "2026-04-20", "handover_number": "", "final_cost": "14000000", **survey},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nomor berita acara serah terima wajib diisi." in page
    assert "tuliskan alasannya" in page
    assert "foto rumah sesudah" in page
    renovation.refresh_from_db()
    assert renovation.status == Status.WORKING


def test_plan_errors_point_at_the_row(client, dinsos):
    renovation = actions.open_renovation(approved_enrollment(dinsos), acting_user=dinsos, data=PLAN)
    client.force_login(dinsos)
    bad = [{**ITEMS[0], "unit_price": "seribu"}]
    response = client.post(
        reverse("renovations:plan", args=[renovation.pk]), {**PLAN, **_rows(bad)}
    )
    assert response.status_code == 422
    assert "Harga satuan harus berupa angka." in response.content.decode()
    assert not renovation.cost_items.exists()


def test_field_workers_read_but_do_not_write(client, dinsos, psm_a, tksk_a, pimpinan):
    renovation = actions.open_renovation(approved_enrollment(dinsos), acting_user=dinsos, data=PLAN)
    for user in (psm_a, tksk_a, pimpinan):
        client.force_login(user)
        assert client.get(reverse("renovations:detail", args=[renovation.pk])).status_code == 200
        assert client.get(reverse("renovations:plan", args=[renovation.pk])).status_code == 403
        page = client.get(reverse("renovations:detail", args=[renovation.pk])).content.decode()
        assert 'id="renovation-actions"' not in page


def test_out_of_area_is_404(client, dinsos, psm_b):
    renovation = actions.open_renovation(approved_enrollment(dinsos), acting_user=dinsos, data=PLAN)
    client.force_login(psm_b)
    assert client.get(reverse("renovations:detail", args=[renovation.pk])).status_code == 404
    listing = client.get(reverse("renovations:list")).content.decode()
    assert reverse("renovations:detail", args=[renovation.pk]) not in listing


def test_list_search_filters_and_export(client, dinsos):
    renovation = actions.open_renovation(approved_enrollment(dinsos), acting_user=dinsos, data=PLAN)
    other = actions.open_renovation(
        approved_enrollment(dinsos, VILLAGE_B), acting_user=dinsos, data=PLAN
    )
    client.force_login(dinsos)
    page = client.get(reverse("renovations:list"), {"kecamatan": VILLAGE_B.rsplit(".", 1)[0]})
    text = page.content.decode()
    assert reverse("renovations:detail", args=[other.pk]) in text
    assert reverse("renovations:detail", args=[renovation.pk]) not in text
    response = client.get(reverse("renovations:export", args=["csv"]), {"status": "perencanaan"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.count("\n") == 3  # header + 2 renovations
    log = AccessLog.objects.filter(object_type="renovations.renovation").latest("id")
    assert log.extra["rows"] == 2


def test_target_page_counts_and_what_if_year(client, dinsos):
    approved_enrollment(dinsos)
    client.force_login(dinsos)
    page = client.get(reverse("renovations:target")).content.decode()
    assert 'id="total-remaining">1<' in page
    assert "tidak tercapai" in page  # nothing handed over in the last 12 months
    bad = client.get(reverse("renovations:target"), {"tahun_target": "1990"}).content.decode()
    assert 'id="target-error"' in bad
    response = client.get(reverse("renovations:target_export", args=["csv"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "RTLH tersisa" in body and "Jumlah" in body


def test_step_pages_out_of_turn_go_back_with_a_message(client, dinsos):
    renovation = actions.open_renovation(approved_enrollment(dinsos), acting_user=dinsos, data=PLAN)
    client.force_login(dinsos)
    detail = reverse("renovations:detail", args=[renovation.pk])
    for name in ("handover", "progress"):
        response = client.get(reverse(f"renovations:{name}", args=[renovation.pk]))
        assert response.status_code == 302 and response.url == detail
    assert client.get(reverse("renovations:start", args=[renovation.pk])).status_code == 200
    actions.cancel(renovation, acting_user=dinsos, reason="Tidak jadi")
    for name in ("plan", "photos", "start", "cancel"):
        response = client.get(reverse(f"renovations:{name}", args=[renovation.pk]), follow=True)
        assert response.redirect_chain[-1][0] == detail


def test_household_page_links_to_the_renovation(client, dinsos):
    renovation = actions.open_renovation(approved_enrollment(dinsos), acting_user=dinsos, data=PLAN)
    client.force_login(dinsos)
    page = client.get(reverse("web:household_detail", args=[renovation.household_id]))
    text = page.content.decode()
    assert reverse("renovations:detail", args=[renovation.pk]) in text
    assert "Bedah rumah #" in text and "perencanaan" in text


def test_program_delivery_tab_links_to_the_work_not_a_delivery_form(client, dinsos):
    enrollment = approved_enrollment(dinsos)
    client.force_login(dinsos)
    url = reverse("programs:enrollments", args=[enrollment.program_id, "penyaluran"])
    page = client.get(url).content.decode()
    assert reverse("renovations:open", args=[enrollment.pk]) in page
    assert f'data-bs-target="#deliver-row-{enrollment.pk}"' not in page
    renovation = actions.open_renovation(enrollment, acting_user=dinsos, data=PLAN)
    page = client.get(url).content.decode()
    assert reverse("renovations:detail", args=[renovation.pk]) in page
