"""PSKS pages of issue 17: who may open what (404/403 out of scope), the forms going
through the actions, exports, and the worker page's history, SKs and allowances."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pilar.psks.appointments import create_allowances, create_period
from pilar.psks.checkin import day_code
from pilar.psks.models import Attendance, Participant, TrainingEvent
from pilar.psks.tests.factories import make_event, make_sk
from pilar.psks.training import invite, issue_certificates, tick_attendance


@pytest.fixture
def event(dinsos, worker_a, worker_a2, worker_b, tksk_worker_a):
    start = timezone.localdate()
    event = make_event(dinsos, starts_on=start, days=2)
    invite(event, acting_user=dinsos, types=["2", "11"])
    return event


def body(response) -> str:
    return response.content.decode()


def test_event_pages_for_dinas_sosial(client, dinsos, event):
    client.force_login(dinsos)
    listing = client.get("/psks/pelatihan/")
    assert listing.status_code == 200 and event.title in body(listing)
    detail = client.get(f"/psks/pelatihan/{event.pk}/")
    assert detail.status_code == 200
    assert detail.context["totals"]["n"] == 4
    day = event.starts_on.isoformat()
    code = client.get(f"/psks/pelatihan/{event.pk}/kode/{day}/")
    assert code.status_code == 200
    text = body(code)
    assert day_code(event, event.starts_on) in text and "<svg" in text and "<?xml" not in text
    assert client.get(f"/psks/pelatihan/{event.pk}/kode/2001-01-01/").status_code == 404
    export = client.get(f"/psks/pelatihan/{event.pk}/peserta.csv")
    assert "Siti Aminah" in b"".join(export.streaming_content).decode("utf-8-sig")
    printed = client.get(f"/psks/pelatihan/{event.pk}/hadir/{day}/?cetak=1")
    assert printed.status_code == 200 and "Tanda tangan" in body(printed)


def test_create_event_and_invite_through_the_pages(client, dinsos, worker_a, worker_b):
    client.force_login(dinsos)
    bad = client.post(
        "/psks/pelatihan/baru/",
        {
            "title": "X",
            "topic": "dasar",
            "place": "A",
            "organiser": "B",
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-01",
        },
    )
    assert bad.status_code == 200 and "tidak boleh sebelum" in body(bad)
    assert not TrainingEvent.objects.exists()
    made = client.post(
        "/psks/pelatihan/baru/",
        {
            "title": "Bimtek",
            "topic": "dasar",
            "place": "A",
            "organiser": "B",
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-11",
            "budget": "Rp10.000.000",
        },
    )
    event = TrainingEvent.objects.get()
    assert made.status_code == 302 and event.budget == 10_000_000 and event.is_basic
    client.post(f"/psks/pelatihan/{event.pk}/undang/", {"types": ["2"], "district": "36.71.01"})
    assert list(event.participants.values_list("worker__name", flat=True)) == ["Siti Aminah"]


def test_organiser_ticks_the_list(client, dinsos, event):
    client.force_login(dinsos)
    day = event.starts_on.isoformat()
    ids = [str(p) for p in event.participants.values_list("pk", flat=True)]
    response = client.post(
        f"/psks/pelatihan/{event.pk}/hadir/{day}/", {"shown": ids, "present": ids[:2]}
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(day=event.starts_on).count() == 2
    detail = client.get(f"/psks/pelatihan/{event.pk}/")
    assert detail.context["days"] == [(event.days[0], 2), (event.days[1], 0)]


@pytest.mark.parametrize("persona", ["tksk_a", "psm_a", "pimpinan"])
def test_field_and_leaders_cannot_run_events(client, request, event, persona):
    client.force_login(request.getfixturevalue(persona))
    day = event.starts_on.isoformat()
    assert client.get(f"/psks/pelatihan/{event.pk}/kode/{day}/").status_code == 403
    assert client.post(f"/psks/pelatihan/{event.pk}/undang/", {"types": ["2"]}).status_code == 403
    assert client.get("/psks/pelatihan/baru/").status_code == 403


def test_a_psm_sees_only_events_they_are_invited_to(client, dinsos, psm_a, worker_a, event):
    psm_a.psks_worker = worker_a
    psm_a.save()
    other = make_event(dinsos, starts_on=event.starts_on, title="Hanya TKSK")
    invite(other, acting_user=dinsos, types=["11"])
    client.force_login(psm_a)
    listing = client.get("/psks/pelatihan/")
    assert [e.pk for e in listing.context["page_obj"].object_list] == [event.pk]
    assert client.get(f"/psks/pelatihan/{other.pk}/").status_code == 404
    mine = client.get(f"/psks/pelatihan/{event.pk}/")
    assert mine.status_code == 200 and mine.context["mine"].worker_id == worker_a.pk


def test_tksk_sees_participants_of_their_kecamatan(client, tksk_a, event):
    client.force_login(tksk_a)
    response = client.get(f"/psks/pelatihan/{event.pk}/")
    names = {p.worker.name for p in response.context["page_obj"].object_list}
    assert names == {"Siti Aminah", "Rudi Hartono", "Agus Salim"}


def test_certificate_of_another_area_is_404(client, dinsos, psm_b, event):
    ids = list(event.participants.values_list("pk", flat=True))
    for day in event.days:
        tick_attendance(event, acting_user=dinsos, day=day, present=ids, shown=ids)
    issue_certificates(event, acting_user=dinsos, pattern="C/{n}")
    theirs = Participant.objects.get(event=event, worker__name="Siti Aminah")
    client.force_login(psm_b)
    assert client.get(f"/psks/pelatihan/{event.pk}/sertifikat/{theirs.pk}.pdf").status_code == 404


def test_worker_page_shows_history_sks_and_allowances(client, dinsos, worker_a, event):
    make_sk(
        dinsos,
        worker_a,
        number="SK/7",
        starts_on=(timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
        ends_on=(timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
    )
    today = timezone.localdate()
    period = create_period(
        acting_user=dinsos,
        data={
            "name": "Periode uji",
            "starts_on": today.replace(day=1),
            "ends_on": today,
            "amount": "500000",
        },
    )
    create_allowances(period, acting_user=dinsos)
    client.force_login(dinsos)
    page = client.get(f"/psks/{worker_a.pk}/")
    text = body(page)
    assert event.title in text and "SK/7" in text and "Periode uji" in text
    assert "belum ada SK pengganti" in text  # ends within the warning window
    sk_list = client.get("/psks/sk/")
    assert [a.number for a in sk_list.context["soon"]] == ["SK/7"]


def test_untrained_page_and_export(client, tksk_a, event):
    client.force_login(tksk_a)
    page = client.get("/psks/belum-terlatih/")
    assert {w.name for w in page.context["page_obj"].object_list} == {
        "Siti Aminah",
        "Rudi Hartono",
        "Agus Salim",
    }
    export = client.get("/psks/belum-terlatih/ekspor.xlsx")
    assert export.status_code == 200


def test_checkin_api(client, dinsos, psm_a, worker_a, event):
    from pilar.accounts.models import ApiToken

    psm_a.psks_worker = worker_a
    psm_a.save()
    _, key = ApiToken.issue(psm_a)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    code = day_code(event, timezone.localdate())
    first = client.post(
        "/api/v1/training/checkin",
        {"code": code, "client_id": "6f1c1b9e-8d43-4c6e-9a55-0b8c8a3f2f10"},
        content_type="application/json",
        **headers,
    )
    assert first.status_code == 201 and first.json()["created"]
    again = client.post(
        "/api/v1/training/checkin",
        {"code": code, "client_id": "6f1c1b9e-8d43-4c6e-9a55-0b8c8a3f2f10"},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    twice = client.post(
        "/api/v1/training/checkin", {"code": code}, content_type="application/json", **headers
    )
    assert twice.status_code == 422 and twice.json()["codes"]["code"] == "already"
    wrong = client.post(
        "/api/v1/training/checkin", {"code": "ZZZZZZ"}, content_type="application/json", **headers
    )
    assert wrong.status_code == 422 and "salah" in wrong.json()["message"]
    assert Attendance.objects.count() == 1
    mine = client.get("/api/v1/training/mine", **headers)
    assert mine.json()[0]["days_present"] == [timezone.localdate().isoformat()]
