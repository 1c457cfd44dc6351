"""What a new user met on the pages (issue 15): one error banner on the new-household
form, the login page naming the office, no links a role cannot use (case links and the
API menu for leaders), people's names in the menu bar and where they acted."""

from __future__ import annotations

import pytest

from pilar.cases.actions import open_case
from pilar.conftest import make_household
from pilar.ppks.actions import create_ppks_record

pytestmark = pytest.mark.django_db

PENGEMIS = 12


def test_new_household_form_shows_one_error_banner(client, dinsos):
    client.force_login(dinsos)
    # Errors on both forms (the household's and the head's): still one banner.
    html = client.post("/keluarga/baru/", {"address": "Jl. A", "kepala-name": "Budi"})
    html = html.content.decode()
    assert html.count('class="alert alert-danger"') == 1
    assert html.count("is-invalid") >= 2
    assert "— pilih —" in html and "---------" not in html


def test_login_page_names_the_office(client):
    html = client.get("/akun/masuk/").content.decode()
    assert "Dinas Sosial Kota Tangerang" in html


def test_menu_shows_the_users_name(client, dinsos):
    dinsos.first_name, dinsos.last_name = "Rina", "Kurniasih"
    dinsos.save()
    client.force_login(dinsos)
    html = client.get("/").content.decode()
    assert ">Rina Kurniasih<" in html


def test_leader_sees_only_case_links_that_lead_somewhere(client, dinsos, pimpinan):
    quiet = make_household(dinsos).members.get()
    handled = make_household(dinsos, address="Jl. Kasus 1").members.get()
    create_ppks_record(acting_user=dinsos, data={"ppks_type": PENGEMIS, "person": quiet})
    record = create_ppks_record(acting_user=dinsos, data={"ppks_type": PENGEMIS, "person": handled})
    open_case(record, acting_user=dinsos, source="laporan")

    client.force_login(pimpinan)
    html = client.get("/ppks/").content.decode()
    assert html.count("Buka penanganan") == 1
    assert f"/penanganan/data-ppks/{record.pk}/" in html
    assert 'href="/api/v1/docs"' not in html  # leaders have no API access

    client.force_login(dinsos)
    html = client.get("/ppks/").content.decode()
    assert html.count("Buka penanganan") == 2  # Dinas Sosial opens cases
    assert 'href="/api/v1/docs"' in html
