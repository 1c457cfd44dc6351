"""Retention: dry run by default (nothing but the run's log), minimise after N years,
archive after M years, history removed only through the trail's retention path."""

from __future__ import annotations

import datetime
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from pilar.audit.history import event_model
from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_A, make_household, make_nik
from pilar.pdp import retention
from pilar.pdp.models import RetainedPerson, RetentionRun
from pilar.registry.actions import update_person
from pilar.registry.models import Person

REF = datetime.date(2026, 12, 1)


def _person(dinsos, name, status="hidup", when=None, **extra):
    household = make_household(
        dinsos,
        VILLAGE_A,
        members=[
            {
                "nik": make_nik("L", "1940-02-03"),
                "name": name,
                "sex": "L",
                "birth_date": "1940-02-03",
                "relation": "kepala",
                "occupation": "Petani",
                "chronic_illness": "Hipertensi",
                "birth_place": "Tangerang",
            }
        ],
    )
    person = household.members.get()
    if status != "hidup":
        update_person(
            person,
            acting_user=dinsos,
            data={"life_status": status, "life_status_date": when.isoformat()},
        )
        person.refresh_from_db()
    return person


@pytest.fixture
def people(dinsos):
    return {
        "alive": _person(dinsos, "Ahmad Hidup"),
        "recent": _person(dinsos, "Budi Baru", "meninggal", datetime.date(2024, 5, 1)),
        "old": _person(dinsos, "Cecep Lama", "pindah", datetime.date(2019, 3, 1)),
        "ancient": _person(dinsos, "Dedi Kuno", "meninggal", datetime.date(2010, 1, 1)),
    }


def _snapshot():
    return list(Person.objects.order_by("pk").values()), event_model(Person).objects.count()


def test_dry_run_by_default_changes_nothing_but_logs(people):
    before = _snapshot()
    out = StringIO()
    call_command("pdp", "retention", "--date", REF.isoformat(), stdout=out)
    assert "UJI COBA" in out.getvalue()
    assert _snapshot() == before
    run = RetentionRun.objects.get()
    assert run.dry_run
    assert run.minimised == [people["old"].pk]
    assert run.archived == [people["ancient"].pk]
    assert not RetainedPerson.objects.exists()


def test_apply_minimises_then_archives(people, dinsos, tmp_path, settings):
    settings.PILAR_ARCHIVE_DIR = str(tmp_path)
    ancient = people["ancient"]
    AccessLog.objects.create(
        user=dinsos, action="lihat_individu", object_type="registry.person", object_id=ancient.pk
    )
    old_events = event_model(Person).objects.filter(pgh_obj_id=people["old"].pk).count()
    assert old_events >= 2
    out = StringIO()
    call_command("pdp", "retention", "--apply", "--date", REF.isoformat(), stdout=out)
    run = RetentionRun.objects.get()
    assert not run.dry_run

    old = Person.objects.get(pk=people["old"].pk)
    assert (old.occupation, old.chronic_illness, old.birth_place) == ("", "", "")
    assert old.name == "Cecep Lama" and old.nik  # identity kept when minimised
    # Only the minimising update's own event is left: the older ones held the values.
    events = list(event_model(Person).objects.filter(pgh_obj_id=old.pk))
    assert [e.chronic_illness for e in events] == [""]
    assert events[0].pgh_context.metadata["retention"] == "minimalkan"

    gone = Person.objects.get(pk=ancient.pk)
    assert gone.name == f"(diarsipkan #{ancient.pk})"
    assert gone.nik is None and gone.birth_date == datetime.date(1940, 1, 1)
    assert not event_model(Person).objects.filter(pgh_obj_id=ancient.pk, name="Dedi Kuno").exists()
    assert not AccessLog.objects.filter(
        object_type="registry.person", object_id=ancient.pk
    ).exists()
    # The archive file holds the record as it was, and its checksum is on the run.
    content = (tmp_path / run.archive_file.split("/")[-1]).read_bytes()
    assert hashlib.sha256(content).hexdigest() == run.archive_sha256
    archived = json.loads(content.decode().splitlines()[0])
    assert archived["subjek_data"]["nama"] == "Dedi Kuno"

    # Alive and recent untouched; the stage is kept, so a second run does nothing new.
    assert Person.objects.get(pk=people["alive"].pk).occupation == "Petani"
    assert Person.objects.get(pk=people["recent"].pk).chronic_illness == "Hipertensi"
    stages = dict(RetainedPerson.objects.values_list("person_id", "stage"))
    assert stages == {old.pk: "minimalkan", ancient.pk: "arsip"}
    call_command("pdp", "retention", "--apply", "--date", REF.isoformat(), stdout=StringIO())
    second = RetentionRun.objects.first()
    assert (second.minimised, second.archived) == ([], [])


def test_history_cannot_be_removed_outside_the_retention_path(people):
    """The contract with pilar.audit.trail: a plain DELETE of history is refused."""
    table = event_model(Person)._meta.db_table
    with pytest.raises(ProgrammingError, match="Jejak audit"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE pgh_obj_id = %s", [people["old"].pk])


def test_the_archive_period_cannot_be_shorter(people):
    with pytest.raises(ValueError):
        retention.run(minimise_years=10, archive_years=5)
