import re

import pytest
from django.urls import reverse

from pilar.conftest import VILLAGE_A, VILLAGE_B, make_household, make_nik
from pilar.ppks.actions import create_ppks_record
from pilar.registry.actions import create_person

pytestmark = pytest.mark.django_db

# +2: the personal data law's clocks for Dinas Sosial (open requests, open breaches).
QUERY_BUDGET = 14


def _count(html: str, element_id: str) -> int:
    match = re.search(rf'id="{element_id}">([\d.,]+)<', html)
    assert match, element_id
    return int(match.group(1).replace(".", "").replace(",", ""))


def _ppks_row(html: str, number: int) -> int:
    match = re.search(
        rf'data-number="{number}"[^>]*>.*?<td class="text-end count">([\d.,]+)</td>', html, re.S
    )
    assert match, number
    return int(match.group(1).replace(".", ""))


@pytest.fixture
def city(dinsos):
    a1 = make_household(dinsos, VILLAGE_A)
    make_household(dinsos, VILLAGE_A)
    b = make_household(dinsos, VILLAGE_B)
    create_person(
        acting_user=dinsos,
        household=a1,
        data={
            "nik": make_nik("P", "1978-02-03"),
            "name": "Siti Aminah",
            "sex": "P",
            "birth_date": "1978-02-03",
            "relation": "istri",
        },
    )
    create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": a1})
    create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": b})
    return a1, b


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_city_user_sees_city_figures(client, dinsos, city):
    client.force_login(dinsos)
    html = client.get(reverse("web:home")).content.decode()
    assert _count(html, "stat-households") == 3
    assert _count(html, "stat-persons") == 4
    assert _ppks_row(html, 24) == 2
    assert _ppks_row(html, 1) == 0  # zero rows are shown
    assert html.count("data-number=") == 26
    # The start page is the dashboard (issue 13): PPKS per kecamatan, from the figures.
    assert 'id="map"' in html and 'id="headline"' in html
    assert re.search(r'data-code="36.71.01">.*?count">1<', html, re.S)
    assert re.search(r'data-code="36.71.02">.*?count">1<', html, re.S)


def test_psm_sees_only_own_kelurahan(client, psm_b, city):
    client.force_login(psm_b)
    html = client.get(reverse("web:home")).content.decode()
    assert _count(html, "stat-households") == 1
    assert _count(html, "stat-persons") == 1
    assert _ppks_row(html, 24) == 1
    assert "households-by-district" not in html
    assert 'data-code="36.71.02.1001"' in html and 'data-code="36.71.01.1001"' not in html


def test_mitra_sees_api_only_page(client, mitra, city):
    client.force_login(mitra)
    html = client.get(reverse("web:home")).content.decode()
    assert "API" in html
    assert "stat-households" not in html
    assert "Budi Santoso" not in html


def test_home_query_count_is_constant(client, dinsos, city, django_assert_max_num_queries):
    client.force_login(dinsos)
    client.get(reverse("web:home"))  # the first request creates the SecurityPolicy row
    # The figures are read from summary tables: the number of queries does not grow
    # with the data (issue 13). Unchanged figures: the session, the one freshness check
    # of the figures, the navbar's unread count and the to-do counts.
    with django_assert_max_num_queries(QUERY_BUDGET):
        client.get(reverse("web:home"))
    # After a write, the marked kelurahan are recounted and the page recomputed: the
    # same number of queries for one new household as for five.
    make_household(dinsos, VILLAGE_B)
    with django_assert_max_num_queries(100) as one:
        client.get(reverse("web:home"))
    for _ in range(5):
        make_household(dinsos, VILLAGE_A)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("web:home"))
