"""Data-subject requests: the 3x24-hour clock, the correction flow through the
registry's actions (the request's id in the history), closing and telling."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pilar.audit.history import event_model
from pilar.conftest import VILLAGE_A, make_household
from pilar.pdp import actions, clock
from pilar.pdp.models import SubjectRequest
from pilar.pdp.tests.helpers import client_for
from pilar.registry.models import Person


def _request(dinsos, person, kind="perbaikan", hours_ago=1):
    return actions.create_request(
        acting_user=dinsos,
        person=person,
        data={
            "kind": kind,
            "requester_name": person.name if person else "Warga",
            "channel": "surat",
            "received_at": timezone.localtime() - datetime.timedelta(hours=hours_ago),
            "details": "Nama saya salah eja.",
        },
    )


@pytest.fixture
def person(dinsos):
    return make_household(dinsos, VILLAGE_A).members.get()


def test_create_through_the_page_sets_the_72_hour_deadline(dinsos, person):
    client = client_for(dinsos)
    response = client.post(
        reverse("pdp:request_create"),
        {
            "kind": "akses",
            "person": person.nik,
            "requester_name": "Budi Santoso",
            "requester_relation": "diri sendiri",
            "channel": "langsung",
            "received_at": "2026-12-01T09:30",
            "details": "Minta salinan data.",
            "identity_checked": "on",
        },
    )
    req = SubjectRequest.objects.get()
    assert response.status_code == 302
    assert req.person == person and req.identity_checked
    assert req.due_at - req.received_at == datetime.timedelta(hours=72)
    assert timezone.localtime(req.received_at).hour == 9
    assert list(req.steps.values_list("action", flat=True)) == ["diterima"]


def test_bad_input_is_refused_with_indonesian_messages_and_nothing_written(dinsos):
    client = client_for(dinsos)
    response = client.post(
        reverse("pdp:request_create"),
        {"kind": "akses", "person": "", "received_at": "2099-01-01T10:00", "channel": "x"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Pilih saluran permintaan." in text
    assert "tidak boleh di masa depan" in text
    assert "harus menunjuk individu" in text
    assert not SubjectRequest.objects.exists()


def test_clock_counts_overdue_and_at_risk(dinsos, person):
    _request(dinsos, person, hours_ago=80)  # overdue
    _request(dinsos, person, hours_ago=60)  # due within 24 hours
    _request(dinsos, person, hours_ago=1)  # on time
    done = _request(dinsos, None, kind="keberatan", hours_ago=100)
    actions.close_request(done, acting_user=dinsos, status="ditolak", outcome="Bukan wewenang.")
    summary = clock.summary(dinsos)
    assert (summary.requests.open, summary.requests.overdue, summary.requests.at_risk) == (3, 1, 1)
    page = client_for(dinsos).get(reverse("web:home")).content.decode()
    assert 'id="pdp-requests-overdue"' in page and "1 terlambat" in page
    listed = client_for(dinsos).get(reverse("pdp:request_list"), {"clock": "terlambat"})
    assert listed.content.decode().count("data-request=") == 1


def test_home_shows_no_clock_to_other_roles(psm_a, pimpinan):
    for user in (psm_a, pimpinan):
        assert 'id="pdp-clock"' not in client_for(user).get(reverse("web:home")).content.decode()
        assert clock.summary(user) is None


def test_correction_runs_through_the_registry_and_names_the_request(dinsos, person):
    req = _request(dinsos, person)
    client = client_for(dinsos)
    response = client.post(
        reverse("pdp:request_correct", args=[req.pk]),
        {"name": "Budi Santosa", "household__address": "Jl. Melati No. 7", "note": "KTP"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Budi Santosa"
    assert person.household.address == "Jl. Melati No. 7"
    req.refresh_from_db()
    assert req.correction["diterapkan"]["name"] == ["Budi Santoso", "Budi Santosa"]
    assert req.correction["diterapkan"]["household.address"][1] == "Jl. Melati No. 7"
    # Both row events carry the request in their context.
    for model, pk in ((Person, person.pk), (type(person.household), person.household_id)):
        update = event_model(model).objects.filter(pgh_obj_id=pk, pgh_label="update").last()
        assert update.pgh_context.metadata["pdp_request"] == req.pk
    # Closing needs the correction applied (done here) and an outcome.
    bad = client.post(reverse("pdp:request_close", args=[req.pk]), {"status": "selesai"})
    assert bad.status_code == 400
    ok = client.post(
        reverse("pdp:request_close", args=[req.pk]),
        {"status": "selesai", "outcome": "Nama dan alamat diperbaiki."},
    )
    assert ok.status_code == 302
    told = client.post(
        reverse("pdp:request_told", args=[req.pk]),
        {"told_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "told_how": "Surat"},
    )
    assert told.status_code == 302
    req.refresh_from_db()
    assert req.status == "selesai" and req.told_at is not None
    assert list(req.steps.values_list("action", flat=True)) == [
        "diterima",
        "diperbaiki",
        "selesai",
        "diberitahu",
    ]


def test_an_invalid_correction_writes_nothing(dinsos, person):
    req = _request(dinsos, person)
    before = event_model(Person).objects.count()
    response = client_for(dinsos).post(
        reverse("pdp:request_correct", args=[req.pk]),
        {"nik": "12345", "household__address": "Jl. Baru 1"},
    )
    assert response.status_code == 400
    assert "NIK" in response.content.decode()
    person.refresh_from_db()
    assert person.household.address == "Jl. Melati No. 5"
    assert event_model(Person).objects.count() == before
    req.refresh_from_db()
    assert req.status == "diterima" and not req.correction


def test_an_access_request_closes_only_after_the_export(dinsos, person):
    req = _request(dinsos, person, kind="akses")
    client = client_for(dinsos)
    refused = client.post(
        reverse("pdp:request_close", args=[req.pk]), {"status": "selesai", "outcome": "Diberikan"}
    )
    assert refused.status_code == 400
    assert "setelah data diekspor" in refused.content.decode()
    assert client.get(reverse("pdp:request_data", args=[req.pk, "pdf"])).status_code == 200
    done = client.post(
        reverse("pdp:request_close", args=[req.pk]), {"status": "selesai", "outcome": "Diberikan"}
    )
    assert done.status_code == 302


def test_lists_search_paginate_and_export(dinsos, person):
    for _ in range(27):
        _request(dinsos, person)
    _request(dinsos, None, kind="keberatan").requester_name  # noqa: B018
    client = client_for(dinsos)
    page1 = client.get(reverse("pdp:request_list"))
    assert page1.content.decode().count("data-request=") == 25
    page2 = client.get(reverse("pdp:request_list"), {"page": 2})
    assert page2.content.decode().count("data-request=") == 3
    found = client.get(reverse("pdp:request_list"), {"q": "Warga"})
    assert found.content.decode().count("data-request=") == 1
    export = client.get(reverse("pdp:request_export", args=["csv"]), {"kind": "keberatan"})
    lines = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "Warga" in lines[1]


def test_a_restriction_shows_on_the_persons_page_for_every_role(dinsos, psm_a, person):
    url = reverse("web:person_detail", args=[person.pk])
    assert 'id="pdp-restriction"' not in client_for(psm_a).get(url).content.decode()
    req = _request(dinsos, person, kind="pembatasan")
    for user in (psm_a, dinsos):
        page = client_for(user).get(url).content.decode()
        assert 'id="pdp-restriction"' in page and "sedang diproses" in page
    # Only Dinas Sosial gets the link to the register.
    assert (
        reverse("pdp:request_detail", args=[req.pk])
        not in client_for(psm_a).get(url).content.decode()
    )
    assert 'id="pdp-new-request"' in client_for(dinsos).get(url).content.decode()
    actions.close_request(req, acting_user=dinsos, status="ditolak", outcome="Tidak beralasan.")
    assert 'id="pdp-restriction"' not in client_for(psm_a).get(url).content.decode()
