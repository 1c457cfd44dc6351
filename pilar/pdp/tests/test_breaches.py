"""Breach register: the 72-hour clock from discovery, notices, closing, the letter
drafted from the record."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pilar.conftest import VILLAGE_A, make_household
from pilar.pdp import clock
from pilar.pdp.models import Breach
from pilar.pdp.tests.helpers import client_for

FORM = {
    "title": "Daftar penerima terkirim ke grup WhatsApp yang salah",
    "description": "Berkas BNBA kelurahan dikirim ke grup warga.",
    "cause": "Salah pilih grup saat berbagi berkas.",
    "data_categories": "Nama, NIK, alamat, desil",
    "consequences": "Penyalahgunaan NIK untuk pinjaman daring.",
    "measures": "Pesan dihapus, anggota grup diminta menghapus berkas.",
    "contact": "PPDP Dinas Sosial, 021-555-0101",
    "affected_count": "1.250",
}


@pytest.fixture
def breach(dinsos):
    person = make_household(dinsos, VILLAGE_A).members.get()
    discovered = timezone.localtime() - datetime.timedelta(hours=50)
    response = client_for(dinsos).post(
        reverse("pdp:breach_create"),
        {**FORM, "discovered_at": discovered.strftime("%Y-%m-%dT%H:%M"), "persons": person.nik},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Breach.objects.get()


def test_recorded_with_its_deadline_and_persons(breach):
    assert breach.due_at - breach.discovered_at == datetime.timedelta(hours=72)
    assert breach.affected_count == 1250
    assert breach.persons.count() == 1
    assert breach.status == "terbuka"


def test_clock_and_closing_need_both_notices(breach, dinsos):
    summary = clock.summary(dinsos)
    assert (summary.breaches.open, summary.breaches.at_risk, summary.breaches.overdue) == (1, 1, 0)
    client = client_for(dinsos)
    refused = client.post(reverse("pdp:breach_close", args=[breach.pk]), {"note": "Selesai"})
    assert refused.status_code == 400
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    for to in ("lembaga", "subjek"):
        done = client.post(
            reverse("pdp:breach_notice", args=[breach.pk]), {"to": to, "at": now, "note": "No. 1"}
        )
        assert done.status_code == 302
    breach.refresh_from_db()
    assert breach.status == "diberitahukan"
    assert clock.summary(dinsos).breaches.open == 0
    assert (
        client.post(reverse("pdp:breach_close", args=[breach.pk]), {"note": "Selesai"}).status_code
        == 302
    )
    breach.refresh_from_db()
    assert breach.status == "ditutup"
    assert list(breach.steps.values_list("action", flat=True)) == [
        "dicatat",
        "lembaga",
        "subjek",
        "ditutup",
    ]


def test_a_notice_before_discovery_is_refused(breach, dinsos):
    early = (timezone.localtime(breach.discovered_at) - datetime.timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    response = client_for(dinsos).post(
        reverse("pdp:breach_notice", args=[breach.pk]), {"to": "lembaga", "at": early}
    )
    assert response.status_code == 400
    assert "sebelum insiden diketahui" in response.content.decode()
    breach.refresh_from_db()
    assert breach.authority_notified_at is None


def test_the_letter_is_drafted_from_the_record(breach, dinsos):
    client = client_for(dinsos)
    page = client.get(reverse("pdp:breach_letter", args=[breach.pk, "subjek"])).content.decode()
    for text in (FORM["data_categories"], FORM["measures"], FORM["contact"], "pasal 46"):
        assert text in page
    assert "Hak Bapak/Ibu" in page
    authority = client.get(reverse("pdp:breach_letter", args=[breach.pk, "lembaga"]))
    assert "Perkiraan 1.250 orang." in authority.content.decode()
    pdf = client.get(reverse("pdp:breach_letter_pdf", args=[breach.pk, "lembaga"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("pdp:breach_letter", args=[breach.pk, "x"])).status_code == 404


def test_list_search_and_export(breach, dinsos):
    client = client_for(dinsos)
    assert (
        "data-breach=" in client.get(reverse("pdp:breach_list"), {"q": "WhatsApp"}).content.decode()
    )
    assert (
        "data-breach="
        not in client.get(reverse("pdp:breach_list"), {"q": "banjir"}).content.decode()
    )
    export = client.get(reverse("pdp:breach_export", args=["csv"]))
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "WhatsApp" in text and "1250" in text
