import pytest
from django.urls import reverse

from pilar.audit.models import AccessLog

pytestmark = pytest.mark.django_db


def url(kind, pk):
    return reverse("registry:reveal", args=[kind, pk])


def test_url():
    assert url("nik", 3) == "/audit/buka/nik/3/"


def test_reveal_nik_logs(client, psm_a, household_a):
    person = household_a.members.get()
    client.force_login(psm_a)
    response = client.post(
        url("nik", person.pk), REMOTE_ADDR="10.1.2.3", HTTP_HX_PROMPT="verifikasi kunjungan"
    )
    assert response.status_code == 200
    assert person.nik in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_type, log.object_id) == (
        psm_a,
        "buka_nik",
        "registry.person",
        str(person.pk),
    )
    assert log.path == url("nik", person.pk)
    assert log.reason == "verifikasi kunjungan"
    assert log.ip_address == "10.1.2.3"


def test_reveal_kk_logs(client, dinsos, household_b):
    client.force_login(dinsos)
    response = client.post(url("kk", household_b.pk), {"reason": "cocokkan dengan KK asli"})
    assert household_b.no_kk in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.action, log.object_id, log.reason) == (
        "buka_kk",
        str(household_b.pk),
        "cocokkan dengan KK asli",
    )


@pytest.mark.parametrize("reason", ["", "   ", "ok"])
def test_reveal_without_a_reason_shows_nothing_and_logs_nothing(
    client, dinsos, household_a, reason
):
    person = household_a.members.get()
    client.force_login(dinsos)
    response = client.post(url("nik", person.pk), HTTP_HX_PROMPT=reason)
    text = response.content.decode()
    assert response.status_code == 200  # htmx swaps the answer in: the masked number again
    assert person.nik not in text
    assert "Tuliskan alasan" in text
    assert not AccessLog.objects.exists()


def test_reveal_reason_encoded_by_htmx(client, dinsos, household_a):
    """htmx URI-encodes a prompt answer that cannot be sent as a header as is."""
    person = household_a.members.get()
    client.force_login(dinsos)
    response = client.post(
        url("nik", person.pk),
        HTTP_HX_PROMPT="permintaan%20warga%20%E2%80%94%20Pak%20RT",
        HTTP_HX_PROMPT_URI_AUTOENCODED="true",
    )
    assert person.nik in response.content.decode()
    assert AccessLog.objects.get().reason == "permintaan warga — Pak RT"


def test_out_of_area_is_404_and_not_logged(client, psm_b, household_a):
    person = household_a.members.get()
    client.force_login(psm_b)
    response = client.post(url("nik", person.pk), HTTP_HX_PROMPT="alasan tertentu")
    assert response.status_code == 404
    assert person.nik not in response.content.decode()
    assert client.post(url("kk", household_a.pk)).status_code == 404
    assert not AccessLog.objects.exists()


def test_without_right_is_403(client, pimpinan, mitra, household_a):
    person = household_a.members.get()
    for user in (pimpinan, mitra):
        client.force_login(user)
        response = client.post(url("nik", person.pk), HTTP_HX_PROMPT="alasan tertentu")
        assert response.status_code == 403
        assert person.nik not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_get_not_allowed(client, dinsos, household_a):
    person = household_a.members.get()
    client.force_login(dinsos)
    response = client.get(url("nik", person.pk))
    assert response.status_code == 405
    assert not AccessLog.objects.exists()


def test_unknown_kind_404(client, dinsos, household_a):
    client.force_login(dinsos)
    assert client.post(f"/audit/buka/email/{household_a.pk}/").status_code == 404


def test_anonymous_redirected(client, household_a):
    response = client.post(url("kk", household_a.pk))
    assert response.status_code == 302
    assert not AccessLog.objects.exists()
