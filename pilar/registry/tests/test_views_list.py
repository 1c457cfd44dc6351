import pytest
from django.urls import reverse

from pilar.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B, make_household, make_nik
from pilar.ppks.actions import create_ppks_record

pytestmark = pytest.mark.django_db

URL = "/keluarga/"


def head(name, sex="L", birth="1970-01-01"):
    return {
        "nik": make_nik(sex, birth),
        "name": name,
        "sex": sex,
        "birth_date": birth,
        "relation": "kepala",
    }


def test_url_name():
    assert reverse("web:household_list") == URL


def test_anonymous_redirected(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_mitra_forbidden(client, mitra, household_a):
    client.force_login(mitra)
    response = client.get(URL)
    assert response.status_code == 403
    assert household_a.address not in response.content.decode()


def test_psm_sees_only_own_kelurahan(client, psm_a, dinsos):
    make_household(dinsos, VILLAGE_A, members=[head("Ahmad Fauzi")])
    make_household(dinsos, VILLAGE_B, members=[head("Bambang Sutrisno")], address="Jl. Kenanga")
    client.force_login(psm_a)
    response = client.get(URL)
    html = response.content.decode()
    assert "Ahmad Fauzi" in html
    assert "Bambang Sutrisno" not in html
    assert response.context["total"] == 1
    # Filter options are limited to the user's scope.
    assert [v.pk for v in response.context["villages"]] == [VILLAGE_A]
    assert [d.pk for d in response.context["districts"]] == ["36.71.01"]


def test_no_kk_is_masked(client, dinsos, household_a):
    client.force_login(dinsos)
    html = client.get(URL).content.decode()
    assert household_a.no_kk not in html
    assert household_a.masked_no_kk in html


def test_search_misspelt_name_and_no_kk(client, dinsos):
    target = make_household(dinsos, VILLAGE_A, members=[head("Muhammad Rizky")])
    make_household(dinsos, VILLAGE_A, members=[head("Slamet Riyadi")])
    client.force_login(dinsos)
    response = client.get(URL, {"q": "Muhamad Rizki"})
    assert [h.pk for h in response.context["households"]] == [target.pk]
    response = client.get(URL, {"q": target.no_kk})
    assert [h.pk for h in response.context["households"]] == [target.pk]


def test_filters_kelurahan_ppks_and_life_status(client, dinsos):
    a = make_household(dinsos, VILLAGE_A, members=[head("Ahmad Fauzi")])
    a2 = make_household(dinsos, VILLAGE_A2, members=[head("Joko Widodo")])
    create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": a2})
    client.force_login(dinsos)
    response = client.get(URL, {"kelurahan": VILLAGE_A})
    assert [h.pk for h in response.context["households"]] == [a.pk]
    response = client.get(URL, {"ppks_type": "24"})
    assert [h.pk for h in response.context["households"]] == [a2.pk]
    assert response.context["households"][0].ppks_badges == ["FM"]
    response = client.get(URL, {"kecamatan": "36.71.01", "life_status": "hidup"})
    assert {h.pk for h in response.context["households"]} == {a.pk, a2.pk}
    response = client.get(URL, {"life_status": "meninggal"})
    assert response.context["total"] == 0


def test_columns_head_member_count(client, dinsos):
    household = make_household(
        dinsos,
        VILLAGE_A,
        members=[
            head("Ahmad Fauzi"),
            {**head("Siti Aisyah", "P", "1975-05-05"), "relation": "istri"},
        ],
        rt="3",
        rw="7",
    )
    client.force_login(dinsos)
    response = client.get(URL)
    row = response.context["households"][0]
    assert row.pk == household.pk
    assert row.head_name == "Ahmad Fauzi"
    assert row.member_count == 2
    html = response.content.decode()
    assert "RT 003/RW 007" in html


def test_pagination_keeps_filters(client, dinsos):
    for i in range(27):
        make_household(dinsos, VILLAGE_A, address=f"Jl. Mawar No. {i}")
    client.force_login(dinsos)
    response = client.get(URL, {"kelurahan": VILLAGE_A})
    assert response.context["total"] == 27
    assert len(response.context["households"]) == 25
    html = response.content.decode()
    assert f"?kelurahan={VILLAGE_A}&amp;page=2" in html
    response = client.get(URL, {"kelurahan": VILLAGE_A, "page": 2})
    assert len(response.context["households"]) == 2


def test_list_query_count_is_constant(client, dinsos, django_assert_max_num_queries):
    for _ in range(3):
        h = make_household(dinsos, VILLAGE_A)
        create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": h})
    client.force_login(dinsos)
    client.get(URL)  # the first request creates the SecurityPolicy row
    # 9 = 8 + the navbar's unread-notification count (submissions context processor).
    with django_assert_max_num_queries(9) as small:
        client.get(URL)
    for _ in range(20):
        h = make_household(dinsos, VILLAGE_A)
        create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": h})
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert len(response.context["households"]) == 23
