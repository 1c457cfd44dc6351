"""A big load (here: any load, thresholds lowered) rebuilds the registry tables' indexes
and foreign keys once instead of row by row: the result, the history and the schema
afterwards are exactly those of an ordinary import; a busy table falls back to the
ordinary way."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from pilar.conftest import VILLAGE_A, make_household
from pilar.imports import bulkload
from pilar.imports.models import BatchStatus
from pilar.imports.tests.test_pipeline import run_import
from pilar.ppks.models import PpksRecord
from pilar.registry.models import Household, Membership, Person

FILES = Path(__file__).parent / "files"
TABLES = (
    "registry_household",
    "registry_householdevent",
    "registry_person",
    "registry_personevent",
    "registry_membership",
    "registry_membershipevent",
    "ppks_ppksrecord",
    "ppks_ppksrecordevent",
)


def schema() -> dict:
    """Indexes, constraints and trigger states of the tables a load may relax (the
    internal triggers of foreign keys are named after their new ids when re-added)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT 'index', c.relname, pg_get_indexdef(i.indexrelid), i.indisvalid::text
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = ANY(%(t)s::regclass[])
            UNION ALL
            SELECT 'constraint', conname, pg_get_constraintdef(oid), convalidated::text
            FROM pg_constraint WHERE conrelid = ANY(%(t)s::regclass[])
            UNION ALL
            SELECT 'trigger', tgname, tgrelid::regclass::text, tgenabled::text
            FROM pg_trigger WHERE tgrelid = ANY(%(t)s::regclass[]) AND NOT tgisinternal
            """,
            {"t": list(TABLES)},
        )
        return {(kind, name): rest for kind, name, *rest in cursor.fetchall()}


@pytest.fixture
def bulk(settings, monkeypatch):
    settings.PILAR_IMPORT_BULK_MIN_ROWS = 1
    # The size test reads the planner's row estimate, which earlier tests' ANALYZE
    # may have left high: take it out of the equation here.
    monkeypatch.setattr(bulkload, "BULK_MIN_RATIO", 0)


@pytest.mark.django_db
def test_bulk_load_gives_the_same_registry_history_and_schema(dinsos, bulk):
    before = schema()
    assert any(kind == "index" and "gin" in rest[0] for (kind, _), rest in before.items())
    batch = run_import(dinsos, FILES / "messy.csv")
    assert batch.status == BatchStatus.DONE
    # The tables it fills; the history tables get no rows from creations (decision 27).
    assert set(batch.summary["bulk_rebuilt"]) == {t for t in TABLES if not t.endswith("event")}
    assert "Membangun ulang indeks" in batch.summary["seconds_by_step"]
    assert schema() == before

    s = batch.summary
    assert (s["persons_created"], s["households_created"], s["ppks_created"]) == (5, 3, 2)
    assert (Person.objects.count(), Household.objects.count()) == (5, 3)
    assert Membership.objects.filter(end_date__isnull=True).count() == 5
    head = Person.objects.get(nik="3671011708750001")
    assert head.household.no_kk == "3671010101090001" and head.relation == "kepala"
    # Every created row carries its batch, and has no insert event (decision 27).
    for model, count in ((Person, 5), (Household, 3), (Membership, 5), (PpksRecord, 2)):
        assert model.objects.filter(import_batch=batch.pk).count() == count
        assert not model.pgh_event_model.objects.exists()
    # The history triggers are on again: an ordinary edit is recorded by them.
    Person.objects.filter(pk=head.pk).update(name="Sutrisno Baru")
    assert Person.pgh_event_model.objects.filter(pgh_obj_id=head.pk, pgh_label="update").exists()

    again = run_import(dinsos, FILES / "messy.csv")
    assert again.status == BatchStatus.DONE
    assert (again.summary["persons_created"], again.summary["households_created"]) == (0, 0)
    assert schema() == before


@pytest.mark.django_db
def test_bulk_load_checks_foreign_keys_when_restoring(dinsos, bulk):
    """Re-adding a foreign key validates every row: a bad one fails the whole load."""
    with transaction.atomic(), connection.cursor() as cursor:
        relaxed = bulkload.relax(cursor, ["registry_person", "registry_household"])
        assert [name for _, name, _ in relaxed.foreign_keys] == [
            "registry_person_household_id_6c47d043_fk_registry_household_id"
        ]
        cursor.execute(
            "INSERT INTO registry_person (nik, nik_missing_reason, nik_missing_note, "
            "nik_mismatch_reason, name, sex, birth_place, household_id, relation, "
            "marital_status, education, occupation, disabilities, chronic_illness, "
            "life_status, is_active, source_id, created_at, updated_at) VALUES (NULL, "
            "'tidak_diketahui', '', '', 'X', 'L', '', 999999, 'kepala', '', '', '', '{}', '', "
            "'hidup', true, '', now(), now())"
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            bulkload.restore(cursor, relaxed)


@pytest.mark.django_db
def test_bulk_load_checks_unique_indexes_when_restoring(dinsos, bulk):
    """The partial unique indexes are dropped too (decision 49) and built again over the
    whole table: a second active person with a NIK, written by a race the import's
    checks could not see, fails the load as the row would have."""
    household = make_household(dinsos, VILLAGE_A)
    person = Person.objects.get(household=household)
    with transaction.atomic(), connection.cursor() as cursor:
        relaxed = bulkload.relax(cursor, ["registry_person"])
        dropped = " ".join(relaxed.indexes)
        assert "person_unique_active_nik" in dropped and "UNIQUE" in dropped
        assert "registry_person_pkey" not in dropped  # a constraint's index stays
        cursor.execute(
            "INSERT INTO registry_person (nik, nik_missing_reason, nik_missing_note, "
            "nik_mismatch_reason, name, sex, birth_place, household_id, relation, "
            "marital_status, education, occupation, disabilities, chronic_illness, "
            "life_status, is_active, source_id, created_at, updated_at) VALUES (%s, "
            "'', '', '', 'X', 'L', '', %s, 'anak', '', '', '', '{}', '', "
            "'hidup', true, '', now(), now())",
            [person.nik, household.pk],
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            bulkload.restore(cursor, relaxed)


@pytest.mark.django_db
def test_busy_tables_fall_back_to_row_by_row(dinsos, bulk, monkeypatch):
    monkeypatch.setattr(bulkload, "LOCK_TIMEOUT", "200ms")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as reader:
        reader.execute("SELECT count(*) FROM registry_person")  # holds ACCESS SHARE
        before = schema()
        batch = run_import(dinsos, FILES / "messy.csv")
        reader.rollback()
    assert batch.status == BatchStatus.DONE
    assert batch.summary["bulk_rebuilt"] == []
    assert batch.summary["persons_created"] == 5
    assert schema() == before


@pytest.mark.django_db
def test_small_loads_into_a_big_table_are_not_relaxed(settings):
    settings.PILAR_IMPORT_BULK_MIN_ROWS = 100
    with connection.cursor() as cursor:
        # A table of known size (the registry's row estimates depend on earlier tests).
        cursor.execute("CREATE TEMP TABLE sized AS SELECT generate_series(1, 1000) AS n")
        cursor.execute("ANALYZE sized")
        assert not bulkload.should_relax(cursor, "sized", 99)  # under the minimum
        assert not bulkload.should_relax(cursor, "sized", 0)
        assert not bulkload.should_relax(cursor, "sized", 400)  # under half the table
        assert bulkload.should_relax(cursor, "sized", 500)
