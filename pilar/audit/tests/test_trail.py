"""The trail refuses UPDATE and DELETE in the database; only the retention path may
remove; each day is sealed into a hash chain that `pilar audit verify` proves."""

from __future__ import annotations

import datetime

import pghistory
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pilar.audit import chain
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction, AccessLog, TrailSeal
from pilar.audit.trail import retention_removal, trail_tables, unguarded_tables
from pilar.conftest import make_household
from pilar.registry.models import Household


def tomorrow() -> datetime.datetime:
    """Noon tomorrow, local time: a `now` at which today (and only today) is sealable.
    (`now + 26 hours` sealed tomorrow too when the suite ran after 23:00 local time.)"""
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _log(user, object_id="1"):
    return log_access(
        user=user, action=AccessAction.VIEW_PERSON, object_type="person", object_id=object_id
    )


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_trail_table_is_guarded(db):
    tables = {t.table for t in trail_tables()}
    assert {"audit_accesslog", "pghistory_context", "registry_householdevent"} <= tables
    assert "accounts_userevent" in tables and "accounts_apitokenevent" in tables
    assert unguarded_tables() == []


@pytest.mark.parametrize("sql", ["UPDATE {t} SET reason = 'x'", "DELETE FROM {t}"])
def test_access_log_refuses_update_and_delete(dinsos, sql):
    _log(dinsos)
    with pytest.raises(DatabaseError, match="Jejak audit tidak dapat diubah"):
        with transaction.atomic():
            _raw(sql.format(t="audit_accesslog"))
    assert AccessLog.objects.filter(reason="").count() == 1


def test_history_refuses_update_and_delete(household_a):
    table = Household.pgh_event_model._meta.db_table  # type: ignore[attr-defined]
    with pytest.raises(DatabaseError, match="Jejak audit"):
        with transaction.atomic():
            _raw(f"UPDATE {table} SET address = 'dipalsukan'")
    with pytest.raises(DatabaseError, match="Jejak audit"):
        with transaction.atomic():
            _raw(f"DELETE FROM {table}")
    events = Household.pgh_event_model.objects.filter(pgh_obj_id=household_a.pk)  # type: ignore[attr-defined]
    assert events.count() >= 1
    assert not events.filter(address="dipalsukan").exists()


def test_orm_delete_of_a_user_with_a_trail_is_refused(dinsos):
    from django.db.models import ProtectedError

    _log(dinsos)
    with pytest.raises(ProtectedError):
        dinsos.delete()


def test_retention_path_may_remove_and_the_flag_does_not_leak(dinsos):
    _log(dinsos, "1")
    _log(dinsos, "2")
    with retention_removal("uji retensi"):
        AccessLog.objects.filter(object_id="1").delete()
    assert list(AccessLog.objects.values_list("object_id", flat=True)) == ["2"]
    # After the block, in the same transaction, the guard holds again.
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            AccessLog.objects.all().delete()


def test_flag_with_another_value_does_not_open_the_trail(dinsos):
    _log(dinsos)
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            _raw("SET LOCAL pilar.trail_removal = 'yes'")
            _raw("DELETE FROM audit_accesslog")


def test_seal_then_verify_is_clean(dinsos, household_a):
    _log(dinsos)
    sealed = chain.seal(now=tomorrow())
    assert [s.day for s in sealed] == [timezone.localdate()]
    today = sealed[0]
    assert today.tables["audit_accesslog"]["count"] == 1
    assert today.tables["registry_householdevent"]["count"] >= 1
    assert chain.seal(now=tomorrow()) == []  # nothing new
    result = chain.verify()
    assert result.ok, result.problems
    assert result.head == today.digest


def _tamper(sql):
    """What someone with the database's password could do: bypass the guard."""
    with transaction.atomic():
        _raw("SET LOCAL pilar.trail_removal = 'retention'")
        _raw(sql)


def test_verify_names_the_first_altered_day(dinsos):
    _log(dinsos)
    chain.seal(now=tomorrow())
    _tamper("UPDATE audit_accesslog SET reason = 'diubah'")
    result = chain.verify()
    assert not result.ok
    assert result.first_bad_day == timezone.localdate()
    assert "isi baris berubah" in result.problems[0].message
    with pytest.raises(CommandError, match="TIDAK utuh"):
        call_command("audit", "verify")


def test_verify_detects_a_removed_row_and_a_changed_seal(dinsos):
    _log(dinsos, "1")
    _log(dinsos, "2")
    chain.seal(now=tomorrow())
    _tamper("DELETE FROM audit_accesslog WHERE object_id = '1'")
    messages = [p.message for p in chain.verify().problems]
    assert any("2 baris saat disegel, sekarang 1" in m for m in messages)


def test_verify_detects_an_edited_seal_and_a_broken_link(dinsos):
    _log(dinsos)
    chain.seal(now=tomorrow())
    chain.seal(now=tomorrow() + datetime.timedelta(days=2))  # two more (empty) days
    seals = list(TrailSeal.objects.order_by("day"))
    assert len(seals) == 3
    _tamper(f"UPDATE audit_trailseal SET digest = repeat('0', 64) WHERE id = {seals[1].pk}")
    problems = chain.verify().problems
    assert problems[0].day == seals[1].day
    assert {p.day for p in problems} == {seals[1].day, seals[2].day}


def test_seal_refuses_to_change_once_written(dinsos):
    _log(dinsos)
    (seal,) = chain.seal(now=tomorrow())
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            TrailSeal.objects.filter(pk=seal.pk).update(digest="x")


def test_retention_reseals_and_records_the_amendment(dinsos):
    _log(dinsos, "1")
    _log(dinsos, "2")
    chain.seal(now=tomorrow())
    with retention_removal("retensi: orang pindah 5 tahun"):
        AccessLog.objects.filter(object_id="1").delete()
    result = chain.verify()
    assert result.ok, result.problems
    ((day, amendment),) = result.amended
    assert amendment["reason"] == "retensi: orang pindah 5 tahun"
    assert amendment["rows"]["audit_accesslog"] == [2, 1]


def test_retention_refuses_to_run_over_a_broken_chain(dinsos):
    _log(dinsos)
    chain.seal(now=tomorrow())
    _tamper("UPDATE audit_accesslog SET reason = 'diubah'")
    with pytest.raises(chain.TrailBroken):
        with retention_removal():
            pass


def test_sealed_context_is_fixed(dinsos):
    with pghistory.context(user=dinsos.pk, url="/uji"):
        make_household(dinsos)
    # Before its day is sealed, pghistory may still grow a context's metadata.
    _raw("UPDATE pghistory_context SET metadata = metadata || '{\"x\": 1}'::jsonb")
    (seal,) = chain.seal(now=tomorrow())
    assert seal.tables["pghistory_context"]["count"] == 1
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            _raw("UPDATE pghistory_context SET metadata = '{}'::jsonb")


def test_seals_are_listed_read_only_in_the_admin(client, admin_user):
    _log(admin_user)
    (seal,) = chain.seal(now=tomorrow())
    client.force_login(admin_user)
    page = client.get("/admin/audit/trailseal/").content.decode()
    assert seal.digest in page
    assert client.get(f"/admin/audit/trailseal/{seal.pk}/delete/").status_code == 403


def test_hashing_leaves_the_callers_session_settings_alone(dinsos):
    _log(dinsos)
    with transaction.atomic():
        _raw("SET LOCAL IntervalStyle = 'sql_standard'")
        chain.seal(now=tomorrow())
        chain.verify()
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('IntervalStyle')")
            assert cursor.fetchone()[0] == "sql_standard"
