"""Runs: the engine's pairs replace the open queue; decided pairs stay decided and are
never proposed again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pilar.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from pilar.core.errors import NotAllowed
from pilar.dedup import actions, linkage
from pilar.dedup.models import CandidatePair, DedupRun, PairStatus, RunStatus
from pilar.dedup.tests.factories import EVIDENCE, make_pair, person_in_new_household
from pilar.dedup.types import CandidatePair as Scored

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(dinsos):
    return {
        "a": person_in_new_household(dinsos, VILLAGE_A, name="Hendra Gunawan"),
        "a2": person_in_new_household(dinsos, VILLAGE_A2, name="Hendra Gunawan"),
        "b": person_in_new_household(dinsos, VILLAGE_B, name="Hendra Gunawan"),
        "c": person_in_new_household(dinsos, VILLAGE_B, name="Hendro Gunawan"),
    }


def scored(x, y, p=0.9):
    lo, hi = sorted([x.pk, y.pk])
    return Scored(lo, hi, p, EVIDENCE)


def open_keys():
    return set(
        CandidatePair.objects.filter(status=PairStatus.OPEN).values_list(
            "person_a_id", "person_b_id"
        )
    )


def test_run_replaces_open_pairs(dinsos, people, fake_engine):
    a, a2, b, c = people["a"], people["a2"], people["b"], people["c"]
    stale = make_pair(a, c, 0.85)
    kept = make_pair(a, a2, 0.81)
    fake_engine.pairs = [scored(a, a2, 0.99), scored(b, c, 0.93), scored(c, b, 0.5)]

    run = actions.run_dedup(dinsos)

    assert open_keys() == {tuple(sorted([a.pk, a2.pk])), tuple(sorted([b.pk, c.pk]))}
    assert not CandidatePair.objects.filter(pk=stale.pk).exists()
    kept.refresh_from_db()
    assert kept.probability == 0.99 and kept.run == run  # same row, new score
    assert kept.evidence[0] == {
        "field": "nik",
        "label": "NIK",
        "level": "beda 1-2 digit",
        "weight": 6.5,
    }
    bc = CandidatePair.objects.get(person_a_id=min(b.pk, c.pk), person_b_id=max(b.pk, c.pk))
    assert bc.probability == 0.93  # the better of the duplicate answers
    assert (run.status, run.pairs_found, run.pairs_new, run.pairs_removed) == (
        RunStatus.DONE,
        2,
        1,
        1,
    )
    assert run.persons_scored == 4 and run.progress_percent == 100


def test_different_is_never_proposed_again(dinsos, people, fake_engine):
    a, a2 = people["a"], people["a2"]
    pair = make_pair(a, a2)
    actions.decide_different(pair, acting_user=dinsos, note="Beda orang tua")
    fake_engine.pairs = [scored(a, a2, 0.99)]

    run = actions.run_dedup(dinsos)

    key = tuple(sorted([a.pk, a2.pk]))
    assert key in fake_engine.calls[0]["exclude"]  # the engine is told...
    assert open_keys() == set()  # ...and the store drops it anyway
    pair.refresh_from_db()
    assert pair.status == PairStatus.DIFFERENT and pair.note == "Beda orang tua"
    assert CandidatePair.objects.count() == 1
    assert run.pairs_found == 0


def test_merged_person_is_not_proposed(dinsos, people, fake_engine):
    a, a2, c = people["a"], people["a2"], people["c"]
    actions.merge_pair(make_pair(a, a2), acting_user=dinsos, survivor="a")
    fake_engine.pairs = [scored(a2, c, 0.95), scored(a, c, 0.91)]
    actions.run_dedup(dinsos)
    assert open_keys() == {tuple(sorted([a.pk, c.pk]))}


def test_kecamatan_run_keeps_pairs_elsewhere(dinsos, people, fake_engine):
    a, a2, b, c = people["a"], people["a2"], people["b"], people["c"]
    elsewhere = make_pair(b, c)
    make_pair(a, a2)
    fake_engine.pairs = []
    run = actions.run_dedup(dinsos, "36.71.01")
    assert fake_engine.calls[0]["village_prefix"] == "36.71.01"
    assert open_keys() == {(elsewhere.person_a_id, elsewhere.person_b_id)}
    assert run.persons_scored == 2 and run.pairs_removed == 1


def test_failed_run_is_recorded(dinsos, monkeypatch, fake_engine):

    def boom(**kwargs):
        raise RuntimeError("memori habis")

    monkeypatch.setattr(linkage, "score_registry", boom)
    with pytest.raises(RuntimeError):
        actions.run_dedup(dinsos)
    run = DedupRun.objects.get()
    assert run.status == RunStatus.FAILED and "memori habis" in run.error


def test_run_button_runs_task_and_shows_progress(client, dinsos, people, fake_engine):
    fake_engine.pairs = [scored(people["a"], people["a2"], 0.97)]
    client.force_login(dinsos)
    response = client.post(reverse("dedup:run"))
    assert response.status_code == 302
    run = DedupRun.objects.get()  # the immediate backend ran the task already
    assert run.started_by == dinsos and run.status == RunStatus.DONE and run.pairs_found == 1
    status = client.get(reverse("dedup:run_status", args=[run.pk]))
    body = status.content.decode()
    assert "1</strong> pasangan" in body and "hx-trigger" not in body
    page = client.get(reverse("dedup:queue")).content.decode()
    assert "Hendra Gunawan" in page and "97%" in page


def test_running_run_polls_and_blocks_another(client, dinsos, fake_engine):
    run = actions.start_run(acting_user=dinsos)
    DedupRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, progress_percent=35, progress_text="Menilai blok 3 dari 8"
    )
    client.force_login(dinsos)
    body = client.get(reverse("dedup:queue")).content.decode()
    assert 'hx-trigger="every 2s"' in body and "Menilai blok 3 dari 8" in body
    assert "run-button" not in body
    client.post(reverse("dedup:run"))
    assert DedupRun.objects.count() == 1
    assert fake_engine.calls == []


@pytest.mark.parametrize("role", ["tksk_a", "psm_a", "pimpinan"])
def test_only_dinsos_and_admin_start_runs(client, request, role, fake_engine):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("dedup:run"))
    assert response.status_code == 403
    assert not DedupRun.objects.exists()
    with pytest.raises(NotAllowed):
        actions.start_run(acting_user=request.getfixturevalue(role))
