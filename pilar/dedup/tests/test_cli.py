"""`pilar dedup run --json` and `pilar dedup export-pairs`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from pilar.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from pilar.dedup import actions
from pilar.dedup.models import CandidatePair, DedupRun
from pilar.dedup.tests.factories import EVIDENCE, make_pair, person_in_new_household
from pilar.dedup.types import CandidatePair as Scored
from pilar.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(dinsos):

    out = {
        "a": person_in_new_household(dinsos, VILLAGE_A, name="Agus Salim"),
        "a2": person_in_new_household(dinsos, VILLAGE_A2, name="Agus Salim"),
        "b": person_in_new_household(dinsos, VILLAGE_B, name="Agus Saleh"),
    }
    # Imported records carry the source system's id (id_sumber).
    for key, src in (("a", "SIKS-001"), ("a2", "SIKS-002")):
        Person.objects.filter(pk=out[key].pk).update(source_id=src)
    return out


def test_run_json_summary(people, fake_engine, capsys):
    a, a2 = people["a"], people["a2"]
    fake_engine.pairs = [Scored(*sorted([a.pk, a2.pk]), 0.96, EVIDENCE)]
    out = io.StringIO()
    call_command("dedup", "run", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["persons_scored"] == 3
    assert summary["pairs_found"] == 1 and summary["pairs_new"] == 1
    assert summary["seconds"] >= 0 and summary["run"] == DedupRun.objects.get().pk
    assert "Menilai pasangan" in capsys.readouterr().err  # progress on stderr
    assert DedupRun.objects.get().started_by is None


def test_run_kecamatan(people, fake_engine):
    out = io.StringIO()
    call_command("dedup", "run", "--json", "--kecamatan", "367101", stdout=out)
    assert json.loads(out.getvalue())["persons_scored"] == 2
    assert fake_engine.calls[0]["village_prefix"] == "36.71.01"
    with pytest.raises(CommandError, match="tidak dikenal"):
        call_command("dedup", "run", "--kecamatan", "36.99.01")


def test_export_pairs_columns(people, dinsos, tmp_path):
    a, a2, b = people["a"], people["a2"], people["b"]
    make_pair(a, a2, 0.97)
    make_pair(a2, b, 0.8123456)
    decided = make_pair(a, b, 0.9)
    actions.decide_different(decided, acting_user=dinsos)
    path = tmp_path / "pairs.csv"
    call_command("dedup", "export-pairs", str(path), verbosity=0)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == [
        "person_a_id",
        "person_b_id",
        "person_a_source_id",
        "person_b_source_id",
        "match_probability",
    ]
    lo, hi = sorted([a.pk, a2.pk])
    assert rows[1] == [
        str(lo),
        str(hi),
        "SIKS-001" if lo == a.pk else "SIKS-002",
        "SIKS-002" if lo == a.pk else "SIKS-001",
        "0.970000",
    ]
    assert rows[2][4] == "0.812346"
    assert len(rows) == 3  # the decided pair is not a candidate any more
    assert CandidatePair.objects.count() == 3
