"""The report list with its export, the reviewer's inbox (with its query count),
and the notifications page and bell."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from pilar.accounts.choices import Role
from pilar.audit.models import AccessAction, AccessLog
from pilar.conftest import make_household, make_user
from pilar.submissions import actions
from pilar.submissions.choices import Status
from pilar.submissions.models import Notification, Submission
from pilar.submissions.tests.factories import submit_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(psm_a, psm_b, tksk_a, dinsos, household_a, household_b):
    mine = submit_change(psm_a, household_a, {"household": {"rt": "7"}})
    verified = submit_change(tksk_a, household_a, {"household": {"rw": "3"}})
    actions.verify_submission(verified, acting_user=dinsos)
    other = submit_change(psm_b, household_b, {"household": {"rt": "4"}})
    return {"mine": mine, "verified": verified, "other": other}


def ids_in(body: str, submissions) -> set[int]:
    return {r.pk for r in submissions if reverse("submissions:detail", args=[r.pk]) in body}


def get(client, user, path, **params):
    client.force_login(user)
    return client.get(path, params)


# List ------------------------------------------------------------------------------


def test_psm_starts_on_my_reports(client, psm_a, world):
    body = get(client, psm_a, reverse("submissions:list")).content.decode()
    assert ids_in(body, world.values()) == {world["mine"].pk}
    assert 'class="nav-link active" href="/laporan/?saya=1"' in body
    # "Semua laporan": the kelurahan's reports, never another kelurahan's.
    body = get(client, psm_a, reverse("submissions:list"), saya="0").content.decode()
    assert ids_in(body, world.values()) == {world["mine"].pk, world["verified"].pk}


def test_list_scoped_and_filtered(client, tksk_a, dinsos, world):
    body = get(client, tksk_a, reverse("submissions:list")).content.decode()
    assert ids_in(body, world.values()) == {world["mine"].pk, world["verified"].pk}
    body = get(client, dinsos, reverse("submissions:list")).content.decode()
    assert ids_in(body, world.values()) == {r.pk for r in world.values()}
    body = get(client, dinsos, reverse("submissions:list"), status=Status.VERIFIED).content.decode()
    assert ids_in(body, world.values()) == {world["verified"].pk}
    body = get(
        client, dinsos, reverse("submissions:list"), q=f"#{world['other'].pk}"
    ).content.decode()
    assert ids_in(body, world.values()) == {world["other"].pk}
    body = get(client, dinsos, reverse("submissions:list"), kecamatan="36.71.02").content.decode()
    assert ids_in(body, world.values()) == {world["other"].pk}


def test_list_refuses_roles_without_person_data(client, mitra):
    assert get(client, mitra, reverse("submissions:list")).status_code == 403


def test_list_shows_age_in_days(client, dinsos, world):
    Submission.objects.filter(pk=world["other"].pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=12, hours=1)
    )
    body = get(client, dinsos, reverse("submissions:list")).content.decode()
    assert "12 hari" in body


def test_export_csv_is_the_filtered_view_masked_and_logged(client, tksk_a, world, household_a):
    response = get(client, tksk_a, reverse("submissions:export", args=["csv"]), saya="0")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert header[:3] == ["No. laporan", "Jenis laporan", "Status"]
    got = {int(r[0]) for r in data}
    assert got == {world["mine"].pk, world["verified"].pk}  # not kecamatan 02's report
    kk = data[0][header.index("No. KK")]
    assert "*" in kk and kk != household_a.no_kk
    log = AccessLog.objects.get(user=tksk_a, action=AccessAction.EXPORT)
    assert log.object_type == "submissions" and log.extra["rows"] == 2


def test_export_xlsx_follows_status_filter(client, dinsos, world):
    response = get(
        client, dinsos, reverse("submissions:export", args=["xlsx"]), status="diverifikasi"
    )
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert len(rows) == 2 and int(rows[1][0]) == world["verified"].pk
    assert rows[1][2] == "Diverifikasi TKSK"


def test_export_unknown_format_404(client, dinsos):
    assert get(client, dinsos, reverse("submissions:export", args=["pdf"])).status_code == 404


# Inbox ------------------------------------------------------------------------------


def test_inbox_of_tksk_and_dinsos(client, tksk_a, dinsos, world):
    body = get(client, tksk_a, reverse("submissions:inbox")).content.decode()
    assert ids_in(body, world.values()) == {world["mine"].pk}  # submitted, own kecamatan
    assert "<strong>1</strong> laporan menunggu verifikasi" in body
    body = get(client, dinsos, reverse("submissions:inbox")).content.decode()
    # Dinas Sosial verified `verified` itself, so it waits for another validator;
    # `other` comes from a kecamatan with no TKSK, so Dinas Sosial verifies it.
    assert ids_in(body, world.values()) == {world["other"].pk}
    other = make_user("dinsos-2", Role.DINSOS)
    body = get(client, other, reverse("submissions:inbox")).content.decode()
    assert ids_in(body, world.values()) == {world["verified"].pk, world["other"].pk}
    assert "menunggu validasi" in body


def test_inbox_refused_to_psm(client, psm_a):
    assert get(client, psm_a, reverse("submissions:inbox")).status_code == 403


def test_inbox_oldest_first_and_old_highlighted(client, psm_a, tksk_a, household_a):
    new = submit_change(psm_a, household_a, {"household": {"rt": "5"}})
    old = submit_change(psm_a, household_a, {"household": {"rt": "6"}})
    Submission.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=9)
    )
    body = get(client, tksk_a, reverse("submissions:inbox")).content.decode()
    old_at = body.index(reverse("submissions:detail", args=[old.pk]))
    new_at = body.index(reverse("submissions:detail", args=[new.pk]))
    assert old_at < new_at
    assert body.count('class="table-warning"') == 1 and "9 hari" in body


def _inbox_queries(client, user) -> list[str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("submissions:inbox"))
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_inbox_query_count_does_not_grow(
    client, psm_a, tksk_a, dinsos, django_assert_max_num_queries
):
    second = make_household(dinsos, address="Jl. Dua")
    submit_change(psm_a, make_household(dinsos), {"household": {"rt": "1"}})
    _inbox_queries(client, tksk_a)  # warm-up (first request creates the security policy)
    few = _inbox_queries(client, tksk_a)
    for i in range(30):
        submit_change(tksk_a if i % 2 else psm_a, second, {"household": {"rt": str(i + 2)}})
    client.force_login(tksk_a)
    with django_assert_max_num_queries(len(few)):
        body = client.get(reverse("submissions:inbox")).content.decode()
    assert "<strong>16</strong> laporan menunggu" in body  # own reports excluded
    many = _inbox_queries(client, tksk_a)
    assert len(many) == len(few)
    submission_queries = [q for q in many if "submissions_submission" in q]
    assert len(submission_queries) == 2  # one COUNT, one page


# Notifications ---------------------------------------------------------------------------


def test_notifications_page_bell_and_reading(client, tksk_a, psm_b, world):
    client.force_login(tksk_a)
    body = client.get(reverse("submissions:notifications")).content.decode()
    unread = Notification.objects.filter(user=tksk_a, read_at=None)
    n = unread.count()
    assert n >= 1 and f'id="unread-count">{n}<' in body
    first = unread.first()
    response = client.get(reverse("submissions:notification_open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == first.url
    first.refresh_from_db()
    assert first.read_at is not None
    response = client.post(reverse("submissions:notifications_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=tksk_a, read_at=None).exists()
    body = client.get(reverse("submissions:notifications")).content.decode()
    assert 'id="unread-count"' not in body
    # Another user's notification: 404.
    client.force_login(psm_b)
    assert client.get(reverse("submissions:notification_open", args=[first.pk])).status_code == 404


def test_mark_one_read(client, tksk_a, world):
    client.force_login(tksk_a)
    item = Notification.objects.filter(user=tksk_a).first()
    client.post(reverse("submissions:notifications_read"), {"id": item.pk})
    item.refresh_from_db()
    assert item.read_at is not None
    assert client.get(reverse("submissions:notifications_read")).status_code == 405


def test_navbar_link_and_bell_cost_one_query(client, psm_a, world):
    client.force_login(psm_a)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(reverse("web:home")).content.decode()
    assert 'id="nav-laporan"' in body and 'id="nav-notifications"' in body
    notif = [q["sql"] for q in ctx.captured_queries if "submissions_notification" in q["sql"]]
    assert len(notif) == 1
