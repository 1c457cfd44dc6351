"""Freshness kept current: the set-based refresh, a visit report closing the due item,
a death bringing the visit forward, a stored verification date never lowered, the
TKSK alert when a kecamatan's overdue share passes the threshold."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from pilar.conftest import DISTRICT_A, VILLAGE_A, make_household
from pilar.core.dates import today
from pilar.freshness.choices import DueReason, EventKind
from pilar.freshness.models import HouseholdFreshness, OverdueAlert
from pilar.freshness.overdue import check_alerts, due_list, village_counts
from pilar.freshness.refresh import record_verification, refresh
from pilar.submissions import actions as reports
from pilar.submissions.models import Notification
from pilar.submissions.tests.factories import submit_change


def row(household) -> HouseholdFreshness:
    return HouseholdFreshness.objects.get(household=household)


def test_refresh_fills_every_active_household(dinsos, household_a, household_b):
    assert refresh() == 2
    first = row(household_a)
    assert first.village_id == VILLAGE_A
    assert first.due_reason == DueReason.NEVER
    assert first.last_visited_on is None


def test_a_visit_report_closes_the_due_item(
    dinsos, psm_a, tksk_a, household_a, django_capture_on_commit_callbacks
):
    old = today() - datetime.timedelta(days=800)
    refresh()
    record_verification([household_a.pk], old)
    assert row(household_a).due_on < today()
    assert [f.household_id for f in due_list(psm_a, VILLAGE_A)] == [household_a.pk]
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_change(psm_a, household_a, {"household": {"rt": "9"}})
    fresh = row(household_a)
    assert fresh.last_visited_on == today()
    assert fresh.due_on > today() + datetime.timedelta(days=365)
    assert due_list(psm_a, VILLAGE_A).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        reports.verify_submission(submission, acting_user=tksk_a)
        reports.validate_submission(submission, acting_user=dinsos)
    assert row(household_a).last_verified_on == today()


def test_a_stored_verification_is_never_lowered(dinsos, household_a):
    refresh()
    record_verification([household_a.pk], datetime.date(2026, 5, 1))
    record_verification([household_a.pk], datetime.date(2025, 1, 1))
    refresh()
    assert row(household_a).last_verified_on == datetime.date(2026, 5, 1)


def test_a_death_after_the_check_brings_the_visit_forward(dinsos, household_a):
    refresh()
    record_verification([household_a.pk], today() - datetime.timedelta(days=100))
    person = household_a.members.first()
    died = today() - datetime.timedelta(days=5)
    person.life_status = "meninggal"
    person.life_status_date = died
    person.save()
    refresh([household_a.pk])
    fresh = row(household_a)
    assert (fresh.event_kind, fresh.event_on) == (EventKind.DEATH, died)
    assert fresh.due_on == died + datetime.timedelta(days=30)
    assert fresh.due_reason == DueReason.EVENT


def test_counts_and_due_lists_are_scoped(dinsos, psm_a, psm_b, tksk_a, household_a, household_b):
    refresh()
    record_verification([household_a.pk, household_b.pk], today() - datetime.timedelta(days=900))
    assert {c.code for c in village_counts(dinsos)} == {VILLAGE_A, "36.71.02.1001"}
    assert {c.code for c in village_counts(tksk_a)} == {VILLAGE_A}
    counts = village_counts(psm_a)
    assert [(c.code, c.total, c.overdue) for c in counts] == [(VILLAGE_A, 1, 1)]
    assert due_list(psm_b, VILLAGE_A).count() == 0


def test_tksk_is_told_once_when_the_share_passes_the_threshold(dinsos, tksk_a, settings):
    settings.PILAR_OVERDUE_ALERT_PERCENT = 40
    households = [make_household(dinsos, VILLAGE_A, address=f"Jl. Cemara {i}") for i in range(4)]
    refresh()
    record_verification([h.pk for h in households], today() - datetime.timedelta(days=10))
    assert check_alerts() == []
    # The later date stays when an earlier one is recorded; make two old by hand.
    record_verification([h.pk for h in households[:2]], today() - datetime.timedelta(days=900))
    assert check_alerts() == []
    HouseholdFreshness.objects.filter(household__in=households[:2]).update(
        last_verified_on=today() - datetime.timedelta(days=900)
    )
    refresh()
    assert check_alerts() == [DISTRICT_A]
    note = Notification.objects.get(user=tksk_a)
    assert "2 dari 4 keluarga (50,0%)" in note.message
    assert check_alerts() == []  # still above: not told again
    assert Notification.objects.filter(user=tksk_a).count() == 1
    assert OverdueAlert.objects.get(district_id=DISTRICT_A).above


def test_command(dinsos, household_a, capsys):
    call_command("freshness", "--no-alerts")
    assert "1 keluarga dihitung ulang" in capsys.readouterr().out
    assert HouseholdFreshness.objects.count() == 1


@pytest.mark.parametrize(
    "persona, status", [("psm_a", 200), ("psm_b", 404), ("tksk_a", 200), ("dinsos", 200)]
)
def test_village_page_scope(client, request, dinsos, household_a, persona, status):
    refresh()
    record_verification([household_a.pk], today() - datetime.timedelta(days=900))
    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/kunjungan/{VILLAGE_A}/")
    assert response.status_code == status
    if status == 200:
        assert [f.household_id for f in response.context["page_obj"].object_list] == [
            household_a.pk
        ]
        export = client.get(f"/kunjungan/{VILLAGE_A}/ekspor.csv")
        assert "Jl. Melati No. 5" in b"".join(export.streaming_content).decode("utf-8-sig")


def test_overview_page(client, dinsos, tksk_a, household_a, household_b):
    refresh()
    client.force_login(tksk_a)
    response = client.get("/kunjungan/")
    assert response.status_code == 200
    assert [r.code for r in response.context["page_obj"].object_list] == [VILLAGE_A]


def test_api(client, dinsos, psm_a, psm_b, household_a, household_b):
    refresh()
    record_verification([household_a.pk], today() - datetime.timedelta(days=900))
    client.force_login(psm_a)
    counts = client.get("/api/v1/visits/counts").json()
    assert [(c["kelurahan"], c["overdue"]) for c in counts] == [(VILLAGE_A, 1)]
    page = client.get(f"/api/v1/visits/due/{VILLAGE_A}?terlambat=true").json()
    assert page["count"] == 1 and page["items"][0]["household_id"] == household_a.pk
    client.force_login(psm_b)
    assert client.get(f"/api/v1/visits/due/{VILLAGE_A}").status_code == 404
