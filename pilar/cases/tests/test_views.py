"""Case pages: list with filters and overdue flags, detail, the step forms, scoping
(out of area 404, wrong role 403), export, the PPKS link."""

import io

import pytest
from python_calamine import CalamineWorkbook

from pilar.audit.models import AccessLog
from pilar.cases import actions
from pilar.cases.models import Case
from pilar.conftest import VILLAGE_B
from pilar.core.errors import InvalidInput

from .helpers import ODHA, days_ago, person_record

pytestmark = pytest.mark.django_db


def open_(record, user, **kw):
    kw.setdefault("source", "laporan")
    return actions.open_case(record, acting_user=user, **kw)


def test_open_through_page(client, dinsos, psm_a):
    record = person_record(dinsos)
    client.force_login(dinsos)
    response = client.get(f"/penanganan/data-ppks/{record.pk}/")
    assert response.status_code == 302 and response.url == f"/penanganan/buka/?record={record.pk}"
    page = client.get(response.url)
    assert page.status_code == 200
    assert f'value="{psm_a.pk}"' in page.content.decode()  # the area's PSM is offered
    response = client.post(
        response.url,
        {"intake_date": days_ago(2).isoformat(), "intake_source": "kunjungan",
         "intake_notes": "Ditemukan di pasar", "assigned_to": str(psm_a.pk), "followup_days": "14"},
    )  # fmt: skip
    case = Case.objects.get(record=record)
    assert response.status_code == 302 and response.url == f"/penanganan/{case.pk}/"
    assert case.assigned_to == psm_a and case.followup_days == 14
    assert case.next_due == days_ago(2 - 14)
    # The link now leads to the open case.
    assert client.get(f"/penanganan/data-ppks/{record.pk}/").url == f"/penanganan/{case.pk}/"
    # A second open is refused with a message, not a crash.
    response = client.post(f"/penanganan/buka/?record={record.pk}", {"intake_source": "laporan"})
    assert response.status_code == 200
    assert "sudah memiliki penanganan" in response.content.decode()


def test_open_page_refusals(client, dinsos, psm_a, psm_b, pimpinan):
    record = person_record(dinsos)
    client.force_login(psm_b)
    assert client.get(f"/penanganan/buka/?record={record.pk}").status_code == 404
    client.force_login(psm_a)
    assert client.get(f"/penanganan/buka/?record={record.pk}").status_code == 403
    client.force_login(pimpinan)
    assert (
        client.post(
            f"/penanganan/buka/?record={record.pk}", {"intake_source": "laporan"}
        ).status_code
        == 403
    )
    assert not Case.objects.exists()
    # Assigning someone from another kelurahan: refused like an unknown id.
    client.force_login(dinsos)
    response = client.post(
        f"/penanganan/buka/?record={record.pk}",
        {"intake_source": "laporan", "assigned_to": str(psm_b.pk)},
    )
    assert "Petugas tidak ditemukan." in response.content.decode()
    assert not Case.objects.exists()


def test_worker_steps_through_pages(client, dinsos, psm_a, tksk_a):
    case = open_(person_record(dinsos), dinsos, assigned_to=psm_a, intake_date=days_ago(10))
    client.force_login(tksk_a)  # in the area, not assigned
    assert client.get(f"/penanganan/{case.pk}/").status_code == 200
    assert client.get(f"/penanganan/{case.pk}/kunjungan/").status_code == 403
    client.force_login(psm_a)
    response = client.post(
        f"/penanganan/{case.pk}/asesmen/",
        {"needs": ["ekonomi", "pangan"], "assessment_notes": "Tidak ada penghasilan"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/penanganan/{case.pk}/intervensi/",
        {"kind": "rujukan_lks", "target": "LKS Harapan", "planned_date": days_ago(1).isoformat()},
    )
    assert response.status_code == 302
    item = case.interventions.get()
    response = client.post(
        f"/penanganan/{case.pk}/intervensi/{item.pk}/",
        {"status": "selesai", "result_note": "Diterima LKS"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/penanganan/{case.pk}/kunjungan/",
        {
            "visited_on": days_ago(1).isoformat(),
            "notes": "Kondisi baik",
            "latitude": "-6.1",
            "longitude": "106.6",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "proses" and case.needs == ["ekonomi", "pangan"]
    assert case.next_due == days_ago(1 - case.followup_days)
    # A field worker cannot close.
    assert (
        client.post(f"/penanganan/{case.pk}/tutup/", {"outcome": "terentaskan"}).status_code == 403
    )
    detail = client.get(f"/penanganan/{case.pk}/").content.decode()
    assert (
        "LKS Harapan" in detail and "Kondisi baik" in detail and "Kunjungan tindak lanjut" in detail
    )


def test_close_through_page(client, dinsos):
    record = person_record(dinsos)
    case = open_(record, dinsos)
    client.force_login(dinsos)
    response = client.post(f"/penanganan/{case.pk}/tutup/", {"outcome": ""})
    assert response.status_code == 200 and "Pilih hasil akhir" in response.content.decode()
    response = client.post(
        f"/penanganan/{case.pk}/tutup/", {"outcome": "meninggal", "closure_note": "Wafat"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "selesai" and record.end_reason.startswith("Meninggal dunia")
    # A closed case takes no more visits.
    response = client.post(f"/penanganan/{case.pk}/kunjungan/", {"notes": "x"})
    assert "sudah ditutup" in response.content.decode()
    assert case.visits.count() == 0


def test_scoping_of_pages(client, dinsos, psm_a, psm_b, mitra):
    case = open_(person_record(dinsos), dinsos)
    other = open_(person_record(dinsos, VILLAGE_B), dinsos)
    client.force_login(psm_b)
    for url in (
        f"/penanganan/{case.pk}/",
        f"/penanganan/{case.pk}/kunjungan/",
        f"/penanganan/{case.pk}/tutup/",
    ):
        assert client.get(url).status_code == 404, url
    listing = client.get("/penanganan/").content.decode()
    assert f'data-case="{other.pk}"' in listing and f'data-case="{case.pk}"' not in listing
    client.force_login(mitra)
    assert client.get("/penanganan/").status_code == 403
    assert client.get(f"/penanganan/{other.pk}/").status_code == 403


def test_restricted_type_hidden_from_field_workers(client, dinsos, psm_a):
    case = open_(person_record(dinsos, ppks_type=ODHA), dinsos)
    client.force_login(psm_a)
    assert client.get(f"/penanganan/{case.pk}/").status_code == 404
    assert f'data-case="{case.pk}"' not in client.get("/penanganan/").content.decode()
    with pytest.raises(InvalidInput) as exc:
        actions.assign_case(case, acting_user=dinsos, worker=psm_a)
    assert "assigned_to" in exc.value.errors


def test_list_filters_and_overdue(client, dinsos, psm_a, django_assert_max_num_queries):
    late = open_(
        person_record(dinsos), dinsos, intake_date=days_ago(40), followup_days=30, assigned_to=psm_a
    )
    fresh = open_(person_record(dinsos), dinsos, intake_date=days_ago(2))
    closed = open_(person_record(dinsos, VILLAGE_B), dinsos, intake_date=days_ago(50))
    actions.close_case(closed, acting_user=dinsos, outcome="pindah")
    client.force_login(dinsos)

    def shown(url):
        body = client.get(url).content.decode()
        return {c.pk for c in (late, fresh, closed) if f'data-case="{c.pk}"' in body}, body

    ids, body = shown("/penanganan/")
    assert ids == {late.pk, fresh.pk, closed.pk}
    assert "Hapus saringan" not in body and "sesuai saringan" not in body
    assert 'id="overdue-count">1<' in body
    assert shown("/penanganan/terlambat/")[0] == {late.pk}
    assert shown("/penanganan/?overdue=ya")[0] == {late.pk}
    assert shown("/penanganan/?status=terbuka")[0] == {late.pk, fresh.pk}
    assert shown("/penanganan/?outcome=pindah")[0] == {closed.pk}
    assert shown(f"/penanganan/?kelurahan={VILLAGE_B}")[0] == {closed.pk}
    assert shown("/penanganan/?kecamatan=36.71.01")[0] == {late.pk, fresh.pk}
    assert shown(f"/penanganan/?worker={psm_a.pk}")[0] == {late.pk}
    assert shown("/penanganan/?ppks_type=24")[0] == set()
    assert shown("/penanganan/?q=Budi")[0] == {late.pk, fresh.pk, closed.pk}
    with django_assert_max_num_queries(15):
        client.get("/penanganan/")


def test_export(client, dinsos):
    late = open_(person_record(dinsos), dinsos, intake_date=days_ago(40), followup_days=30)
    open_(person_record(dinsos), dinsos)
    client.force_login(dinsos)
    response = client.get("/penanganan/unduh/xlsx/?overdue=ya")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0] == "No. kasus" and len(rows) == 2
    assert rows[1][0] == float(late.pk) and rows[1][11] == "Ya"
    log = AccessLog.objects.get(object_type="cases.case")
    assert log.extra["rows"] == 1 and log.extra["filter"] == {"overdue": True}
    csv = b"".join(client.get("/penanganan/unduh/csv/").streaming_content).decode("utf-8-sig")
    assert len(csv.strip().splitlines()) == 3


def test_ppks_pages_link_to_cases(client, dinsos):
    record = person_record(dinsos)
    client.force_login(dinsos)
    link = f"/penanganan/data-ppks/{record.pk}/"
    assert link in client.get("/ppks/").content.decode()
    assert link in client.get(f"/individu/{record.person_id}/").content.decode()
    assert 'id="nav-penanganan"' in client.get("/penanganan/").content.decode()
