"""The review side of issue 14: runs reach below the automatic flag and pass the
office's decisions to the engine as labels, store the model they used (which the
create forms then score with), and the queue can put the least certain pairs first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pilar.conftest import VILLAGE_A, VILLAGE_B
from pilar.dedup import actions, linkage, training
from pilar.dedup.models import DedupRun, PairStatus
from pilar.dedup.querysets import PairFilter, pairs_for
from pilar.dedup.similar import find_lookalikes
from pilar.dedup.tests.factories import make_pair, person_in_new_household
from pilar.dedup.types import PersonRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def six(dinsos):
    return [
        person_in_new_household(dinsos, VILLAGE_A, name=f"Warga Contoh {c}", birth="1980-01-0" + n)
        for c, n in zip("ABCDEF", "123456", strict=True)
    ]


def test_run_reaches_the_review_threshold_and_passes_decisions_as_labels(dinsos, six, fake_engine):
    a, b, c, d, e, f = six
    same = make_pair(a, b, 0.95)
    same.status = PairStatus.SAME
    same.save()
    different = make_pair(c, d, 0.6)
    different.status = PairStatus.DIFFERENT
    different.save()
    make_pair(e, f, 0.4)  # open: not a label

    run = actions.run_dedup(dinsos)

    call = fake_engine.calls[0]
    assert call["threshold"] == linkage.REVIEW_THRESHOLD < linkage.DEFAULT_THRESHOLD
    assert run.threshold == linkage.REVIEW_THRESHOLD
    assert sorted(call["labels"]) == sorted(
        [
            (same.person_a_id, same.person_b_id, True),
            (different.person_a_id, different.person_b_id, False),
        ]
    )


def _order(user, urut=""):
    return [p.probability for p in pairs_for(user, PairFilter(urut=urut))]


def test_queue_orders_most_likely_first_or_least_certain_first(client, dinsos, six):
    a, b, c, d, e, f = six
    for x, y, p in ((a, b, 0.97), (c, d, 0.55), (e, f, 0.25), (a, f, 0.75)):
        make_pair(x, y, p)
    assert _order(dinsos) == [0.97, 0.75, 0.55, 0.25]
    assert _order(dinsos, "informatif") == [0.55, 0.75, 0.25, 0.97]
    assert PairFilter.from_params({"urut": "informatif"}).urut == "informatif"
    assert PairFilter.from_params({"urut": "apa saja"}).urut == ""

    client.force_login(dinsos)
    page = client.get(reverse("dedup:queue")).content.decode()
    # the default order, with the box naming the least certain pairs first
    assert 'id="uncertain-pairs"' in page
    box = page.split('id="uncertain-pairs"')[1].split("</ul>")[0]
    assert box.index("55%") < box.index("75%") < box.index("25%")
    assert "97%" not in box  # above the automatic flag: not in doubt
    assert "di bawah ambang otomatis" in page
    informative = client.get(reverse("dedup:queue"), {"urut": "informatif"}).content.decode()
    assert 'id="uncertain-pairs"' not in informative  # the list itself is in that order
    rows = informative.split('id="pair-table"')[1]
    assert rows.index("55%") < rows.index("75%") < rows.index("25%") < rows.index("97%")


def test_score_registry_reads_merged_labelled_persons_and_reports_its_model(dinsos):
    a = person_in_new_household(
        dinsos, VILLAGE_A, name="Joko Susanto", birth="1979-02-11", nik="3671021102790004"
    )
    b = person_in_new_household(
        dinsos, VILLAGE_B, name="Djoko Soesanto", birth="1979-02-11", nik=None
    )
    c = person_in_new_household(dinsos, VILLAGE_B, name="Siti Aminah", sex="P", birth="1950-01-01")
    b.is_active = False  # merged into a
    b.save(update_fields=["is_active"])
    used: list[training.Model] = []

    pairs = linkage.score_registry(labels=[(a.pk, b.pk, True)], on_model=used.append)

    (model,) = used
    assert model.source == "shipped"  # three persons: too few to train on
    assert model.labels_same == 1  # the inactive merged person was read for the label
    assert all(b.pk not in (p.id_a, p.id_b) for p in pairs)
    assert c.pk  # scored with the others


def test_run_stores_its_model_and_the_create_forms_use_it(client, dinsos, six, monkeypatch):
    run = actions.run_dedup(dinsos)
    run.refresh_from_db()
    assert run.model["source"] == "shipped"
    client.force_login(dinsos)
    page = client.get(reverse("dedup:queue")).content.decode()
    assert 'id="run-model"' in page and "model bawaan" in page
    stored = actions.latest_model_params()
    assert stored is not None and stored["__prior__"] == linkage.model_parameters()["__prior__"]

    # a later run with other parameters: the look-alike check scores with those
    params = dict(stored)
    params["__calibration__"] = [1.0, 3.0]
    model = training.Model(params, "registry", 6)
    DedupRun.objects.create(status="selesai", model=model.as_json(), finished_at=run.finished_at)
    seen = []
    real_compare = linkage.compare

    def spy(new, candidates, params=None):
        seen.append(params)
        return real_compare(new, candidates, params=params)

    monkeypatch.setattr(linkage, "compare", spy)
    new = PersonRecord(
        id=0, name="Warga Contoh A", birth_date=six[0].birth_date, village_id=VILLAGE_A
    )
    found = find_lookalikes(new)
    assert seen and seen[-1]["__calibration__"] == [1.0, 3.0]
    assert found and found[0].probability > 0.5
