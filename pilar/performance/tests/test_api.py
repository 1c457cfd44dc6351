"""The performance API (/api/v1/performance): the page's rows and figures, its scope
per role (out of scope = the same 404 as a missing id), paging, Indonesian 422s on
bad input, the training effect for city-wide roles only, and the access log kept as
the page keeps it."""

from __future__ import annotations

import datetime

import pytest

from pilar.accounts.choices import TokenApp
from pilar.accounts.models import ApiToken
from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_A, bearer
from pilar.core.dates import today
from pilar.freshness.refresh import refresh
from pilar.freshness.rules import add_months
from pilar.performance.filters import MSG_CODE, MSG_JENIS, MSG_KECAMATAN, MSG_KELURAHAN
from pilar.performance.metrics import training_effect
from pilar.performance.tests.conftest import reported_and_corrected
from pilar.psks.tests.factories import make_event
from pilar.psks.training import invite, issue_certificates, tick_attendance
from pilar.submissions.tests.factories import submit_change

URL = "/api/v1/performance"
FIGURES = (
    "submitted",
    "returned",
    "validated",
    "fields_corrected",
    "corrections_per_report",
    "verified",
    "turnaround_hours",
    "visited",
    "due",
    "cases_followed",
    "due_estimate",
)


def api_get(client, user, path, **params):
    return client.get(f"{URL}{path}", params, **bearer(user))


def page_rows(client, user, **params):
    client.force_login(user)
    response = client.get("/kinerja/", params)
    assert response.status_code == 200
    return response.context["rows"]


def as_api(value):
    """A page figure as the JSON answer writes it (decimals as strings)."""
    return None if value is None else (str(value) if not isinstance(value, int) else value)


@pytest.fixture
def activity(dinsos, psm_a, tksk_a, linked, household_a):
    refresh()
    reported_and_corrected(dinsos, psm_a, tksk_a, household_a)


@pytest.mark.parametrize(
    "persona, names",
    [
        ("dinsos", {"Siti Aminah", "Dewi Lestari", "Agus Salim"}),
        ("admin_user", {"Siti Aminah", "Dewi Lestari", "Agus Salim"}),
        ("pimpinan", {"Siti Aminah", "Dewi Lestari", "Agus Salim"}),
        ("tksk_a", {"Siti Aminah", "Agus Salim"}),
        ("psm_a", {"Siti Aminah"}),
    ],
)
def test_each_role_sees_what_the_page_shows(client, request, linked, activity, persona, names):
    user = request.getfixturevalue(persona)
    response = api_get(client, user, "/monthly")
    assert response.status_code == 200, response.content
    body = response.json()
    assert {item["name"] for item in body["items"]} == names
    assert body["count"] == len(names)
    assert body["month"] == today().strftime("%Y-%m")
    # The same workers in the same order, with the same figures, as the page.
    rows = page_rows(client, user)
    assert [item["worker_id"] for item in body["items"]] == [r.worker.pk for r in rows]
    for item, row in zip(body["items"], rows, strict=True):
        assert {k: item[k] for k in FIGURES} == {k: as_api(getattr(row, k)) for k in FIGURES}


def test_figures_are_the_months(client, dinsos, linked, activity):
    items = {i["name"]: i for i in api_get(client, dinsos, "/monthly").json()["items"]}
    psm = items["Siti Aminah"]
    assert (psm["submitted"], psm["returned"], psm["validated"], psm["fields_corrected"]) == (
        1,
        1,
        1,
        2,
    )
    assert psm["corrections_per_report"] == "2.00"
    assert (psm["jenis"], psm["kelurahan"], psm["has_account"]) == ("psm", VILLAGE_A, True)
    tksk = items["Agus Salim"]
    assert tksk["verified"] == 1 and tksk["turnaround_hours"] is not None
    assert (tksk["jenis"], tksk["kelurahan"]) == ("tksk", None)
    # Last month, as the page shows it for ?bulan=: nothing yet.
    last = add_months(today().replace(day=1), -1).strftime("%Y-%m")
    body = api_get(client, dinsos, "/monthly", month=last).json()
    assert body["month"] == last
    assert {i["name"]: i["submitted"] for i in body["items"]}["Siti Aminah"] == 0
    rows = page_rows(client, dinsos, bulan=last)
    assert [i["submitted"] for i in body["items"]] == [r.submitted for r in rows]


def test_filters_and_pages(client, dinsos, linked, activity):
    everyone = api_get(client, dinsos, "/monthly").json()["items"]
    page = api_get(client, dinsos, "/monthly", limit=1, offset=1).json()
    assert page["count"] == 3
    assert [i["worker_id"] for i in page["items"]] == [everyone[1]["worker_id"]]
    assert api_get(client, dinsos, "/monthly", offset=3).json() == {
        **page,
        "items": [],
        "count": 3,
    }

    def names(**params):
        return {i["name"] for i in api_get(client, dinsos, "/monthly", **params).json()["items"]}

    assert names(jenis="tksk") == {"Agus Salim"}
    assert names(jenis="PSM") == {"Siti Aminah", "Dewi Lestari"}
    assert names(kecamatan="36.71.02") == {"Dewi Lestari"}
    assert names(kecamatan="367101") == {"Siti Aminah", "Agus Salim"}
    assert names(kelurahan=VILLAGE_A) == {"Siti Aminah"}
    assert names(search="dewi") == {"Dewi Lestari"}
    assert api_get(client, dinsos, "/monthly", limit=201).status_code == 422


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"month": "2026-13"}, "month", "Bulan harus ditulis TTTT-BB, mis. 2026-11."),
        ({"month": "November"}, "month", "Bulan harus ditulis TTTT-BB, mis. 2026-11."),
        ({"month": "1999-12"}, "month", "Bulan sebelum Januari 2000 tidak tersedia."),
        ({"kecamatan": "abc"}, "kecamatan", MSG_CODE),
        ({"kecamatan": "36.71.99"}, "kecamatan", MSG_KECAMATAN),
        ({"kelurahan": "36.71.01.9999"}, "kelurahan", MSG_KELURAHAN),
        ({"kecamatan": "36.71.02", "kelurahan": VILLAGE_A}, "kelurahan", MSG_KELURAHAN),
        ({"jenis": "lks"}, "jenis", MSG_JENIS),
    ],
)
def test_bad_input_is_422_in_indonesian(client, dinsos, linked, params, field, message):
    response = api_get(client, dinsos, "/monthly", **params)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}


def test_a_month_not_yet_come_is_refused_with_the_pages_words(client, dinsos, linked):
    future = add_months(today().replace(day=1), 1).strftime("%Y-%m")
    response = api_get(client, dinsos, "/monthly", month=future)
    assert response.status_code == 422
    (message,) = response.json()["errors"]["month"]
    assert "belum tiba" in message
    # The page falls back to the current month and says why, in the same words.
    client.force_login(dinsos)
    page = client.get("/kinerja/", {"bulan": future})
    assert page.status_code == 200 and page.context["problems"] == [message]
    assert page.context["month"] == today().replace(day=1)


def test_another_kecamatan_is_out_of_area_for_a_tksk(client, tksk_a, psm_a, linked):
    for params in ({"kecamatan": "36.71.02"}, {"kelurahan": "36.71.02.1001"}):
        response = api_get(client, tksk_a, "/monthly", **params)
        assert response.status_code == 422
        assert "di luar wilayah Anda" in str(response.json()["errors"])
    # A PSM cannot widen their view with a filter either.
    response = api_get(client, psm_a, "/monthly", kecamatan="36.71.02")
    assert response.status_code == 422


def test_mitra_and_anonymous_are_refused(client, mitra, linked):
    worker = next(iter(linked.values()))
    for path in ("/monthly", f"/workers/{worker.pk}", "/training/1"):
        assert api_get(client, mitra, path).status_code == 403
        assert client.get(f"{URL}{path}").status_code == 401


def test_field_app_tokens_do_not_reach_it(client, psm_a, linked):
    _, key = ApiToken.issue(psm_a, app=TokenApp.FIELD)
    response = client.get(f"{URL}/monthly", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403


# One worker ---------------------------------------------------------------------------


def test_one_workers_months(client, dinsos, psm_a, linked, activity):
    worker = linked[psm_a]
    this = today().replace(day=1)
    response = api_get(client, psm_a, f"/workers/{worker.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["worker"]["name"] == "Siti Aminah" and body["worker"]["has_account"]
    months = body["months"]
    assert len(months) == 12
    assert months[-1]["month"] == this.strftime("%Y-%m")
    assert months[0]["month"] == add_months(this, -11).strftime("%Y-%m")
    assert (months[-1]["submitted"], months[-1]["fields_corrected"]) == (1, 2)
    assert all(m["submitted"] == 0 for m in months[:-1])
    # The same figures as the monthly list for that month.
    listed = api_get(client, dinsos, "/monthly").json()["items"]
    (row,) = [i for i in listed if i["worker_id"] == worker.pk]
    assert {k: months[-1][k] for k in FIGURES} == {k: row[k] for k in FIGURES}
    two = api_get(
        client,
        dinsos,
        f"/workers/{worker.pk}",
        **{"from": add_months(this, -1).strftime("%Y-%m"), "to": this.strftime("%Y-%m")},
    ).json()
    assert [m["month"] for m in two["months"]] == [
        add_months(this, -1).strftime("%Y-%m"),
        this.strftime("%Y-%m"),
    ]


def test_a_worker_out_of_scope_is_not_found(client, psm_a, psm_b, tksk_a, linked):
    missing = api_get(client, tksk_a, "/workers/99999999")
    assert missing.status_code == 404
    # The TKSK of kecamatan A asking for kecamatan B's PSM: exactly "does not exist".
    other = api_get(client, tksk_a, f"/workers/{linked[psm_b].pk}")
    assert (other.status_code, other.json()) == (404, missing.json())
    assert api_get(client, tksk_a, f"/workers/{linked[psm_a].pk}").status_code == 200
    # A PSM: only themself, not even their own TKSK or a PSM nearby.
    for worker in (linked[tksk_a], linked[psm_b]):
        response = api_get(client, psm_a, f"/workers/{worker.pk}")
        assert (response.status_code, response.json()) == (404, missing.json())


def test_an_out_of_scope_worker_is_404_before_its_range_is_read(client, tksk_a, psm_b, linked):
    # A bad range must not tell a hostile caller that the id exists.
    response = api_get(client, tksk_a, f"/workers/{linked[psm_b].pk}", to="bad")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "params, field",
    [
        ({"from": "2026-1x"}, "from"),
        ({"to": "2026-00"}, "to"),
        ({"from": "2025-06", "to": "2025-05"}, "from"),
        ({"from": "2020-01", "to": "2025-05"}, "from"),
    ],
)
def test_bad_ranges_are_422(client, dinsos, psm_a, linked, params, field):
    response = api_get(client, dinsos, f"/workers/{linked[psm_a].pk}", **params)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


# The effect of a training ---------------------------------------------------------------


@pytest.fixture
def event(dinsos, psm_a, psm_b, tksk_a, linked, household_a, household_b):
    start = today() - datetime.timedelta(days=40)
    event = make_event(dinsos, starts_on=start, days=1)
    invite(event, acting_user=dinsos, types=["2"], village=VILLAGE_A)
    ids = list(event.participants.values_list("pk", flat=True))
    tick_attendance(event, acting_user=dinsos, day=start, present=ids, shown=ids)
    issue_certificates(event, acting_user=dinsos, pattern="E/{n}")
    reported_and_corrected(dinsos, psm_a, tksk_a, household_a)
    submit_change(psm_b, household_b, {"household": {"rt": "3"}})
    return event


def test_training_effect_as_the_page_shows_it(client, dinsos, pimpinan, event):
    response = api_get(client, dinsos, f"/training/{event.pk}", months=6)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["event_id"], body["months"]) == (event.pk, 6)
    rows = {(r["group"], r["period"]): r for r in body["rows"]}
    after = rows[("peserta", "sesudah")]
    assert (after["workers"], after["submitted"], after["fields_corrected"]) == (1, 1, 2)
    assert after["corrections_per_report"] == "2.00"
    untrained = rows[("belum_terlatih", "sesudah")]
    assert (untrained["workers"], untrained["submitted"]) == (2, 1)
    # Row for row the page's figures.
    expected = training_effect(event, 6)
    assert [(r["group_label"], r["period"], r["submitted"]) for r in body["rows"]] == [
        (g.group, g.period, g.submitted) for g in expected
    ]
    client.force_login(dinsos)
    page = client.get(f"/kinerja/pelatihan/{event.pk}/", {"bulan": 6}).context["rows"]
    assert [as_api(r.reports_per_worker_month) for r in page] == [
        r["reports_per_worker_month"] for r in body["rows"]
    ]
    assert api_get(client, pimpinan, f"/training/{event.pk}").status_code == 200


def test_training_effect_is_for_city_wide_roles(client, tksk_a, psm_a, dinsos, event):
    for user in (tksk_a, psm_a):
        response = api_get(client, user, f"/training/{event.pk}")
        assert response.status_code == 403
        assert "Dinas Sosial" in response.json()["message"]
    assert api_get(client, dinsos, "/training/99999999").status_code == 404
    assert api_get(client, dinsos, f"/training/{event.pk}", months=13).status_code == 422


# The access log -------------------------------------------------------------------------


def test_the_access_log_is_kept_as_the_page_keeps_it(client, dinsos, linked, activity):
    """The page's table is not an access to people's data (no log entry); its export
    is (one entry). The API answers like the page: a list of workers' figures, no entry."""
    before = AccessLog.objects.count()
    page_rows(client, dinsos)
    assert AccessLog.objects.count() == before
    assert api_get(client, dinsos, "/monthly").status_code == 200
    assert api_get(client, dinsos, f"/workers/{linked[next(iter(linked))].pk}").status_code == 200
    assert AccessLog.objects.count() == before
    client.get("/kinerja/ekspor.csv")
    assert AccessLog.objects.filter(object_type="performance.monthly").count() == 1
