"""The access export (UU 27/2022 art. 32): every table that holds the person and every
logged event about them, and nothing about other people beyond what art. 33 allows."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.urls import reverse

from pilar.audit.models import AccessLog
from pilar.pdp.subject import collect, trail
from pilar.pdp.subject.collect import COVERED, NOT_ABOUT_THE_PERSON
from pilar.pdp.tests.helpers import (
    OTHER_NAME,
    STRANGER_NAME,
    SUBJECT_NAME,
    client_for,
    rich_subject,
    view_pages,
)
from pilar.registry.models import Household, Person


def _points_at(model, targets: set) -> bool:
    for f in model._meta.get_fields():
        if f.is_relation and f.concrete and f.related_model in targets:
            return True
        if f.many_to_many and f.concrete and f.related_model in targets:
            return True
    return False


def test_every_table_that_can_hold_a_person_is_in_the_export():
    """Walk the model graph from Person and Household to every table pointing into it
    (a case points at a PPKS record, which points at a person...): each one is in the
    export or listed, with its reason, as not about the person."""
    reached = {Person, Household}
    found = True
    while found:
        found = False
        for model in apps.get_models():
            label = model._meta.label_lower
            if model in reached or label.startswith("pghistory.") or label.endswith("event"):
                continue
            if _points_at(model, reached):
                reached.add(model)
                found = True
    labels = {m._meta.label_lower for m in reached}
    missing = labels - COVERED - set(NOT_ABOUT_THE_PERSON)
    assert not missing, f"tables holding people's data not in the access export: {missing}"
    # Reached the other way (a report names its decree and deliberation; a staged
    # import row holds a person id without a foreign key): in the export all the same.
    assert {"submissions.ratification", "submissions.deliberation", "imports.stagedrow"} <= COVERED
    # And the export names no table that does not exist.
    for label in COVERED:
        apps.get_model(label)


@pytest.fixture
def world(dinsos, psm_a, tksk_a):
    return rich_subject(dinsos, psm_a, tksk_a)


def test_export_has_a_row_in_every_table_the_person_is_in(world, dinsos):
    data = collect.collect(world.subject)
    empty = {s.key for s in data.sections if not s.rows}
    # Built by rich_subject: everything but what needs a merge, an import waiting, a
    # breach, a retention run, a decree, a payment, a report photo, an intervention or a
    # progress report (their tables are reached the same way as their parents').
    assert empty == {
        "renovations.progressreport",
        "registry.processingoverride",  # needs a restriction (test_restriction.py)
        "submissions.submissionphoto",
        "cases.intervention",
        "dedup.merge",
        "imports.stagedrow",
        "pdp.breach",
        "pdp.breachstep",
        "pdp.retainedperson",
        "submissions.deliberation",
        "submissions.ratification",
        "programs.candidate",
        "programs.delivery",
        # Computed by the freshness refresh (pilar.freshness), which this world does not run.
        "freshness.householdfreshness",
    }
    person = data.section("registry.person")
    assert person.rows[0]["nama"] == SUBJECT_NAME
    assert person.rows[0]["pekerjaan"] == "Pedagang sayur"  # after the validated report


def test_nothing_about_other_people_beyond_art_33(world, dinsos):
    view_pages(dinsos, world)
    data = collect.collect(world.subject)
    doc_text = json.dumps(
        {
            "sections": [s.rows for s in data.sections],
            "others": data.others,
            "trail": [e.as_dict() for e in trail.trail(data)],
        },
        ensure_ascii=False,
        default=str,
    )
    assert SUBJECT_NAME in doc_text
    for leak in (
        OTHER_NAME,
        STRANGER_NAME,
        world.housemate.nik,
        world.stranger.nik,
        "Diabetes",
        "Penyandang Disabilitas",
    ):
        assert leak not in doc_text, leak
    # The housemate appears only as his relation and a masked name.
    assert data.others == [{"hubungan": "Anak", "nama": "B****** H******"}]
    # The field report keeps her line and says one other line was left out.
    report = data.section("submissions.submission").rows[0]
    payload = report["usulan"]
    assert [p["person_id"] for p in payload["persons"]] == [world.subject.pk]
    assert "1 usulan tentang orang lain" in payload["disamarkan"]
    # The duplicate pair names the stranger only as "another person".
    pair = data.section("dedup.candidatepair").rows[0]
    assert collect.OTHER_PERSON in (pair["individu A"], pair["individu B"])
    # Household-level PPKS (Fakir Miskin) is hers too; his record is not.
    ppks_types = {r["jenis PPKS"] for r in data.section("ppks.ppksrecord").rows}
    assert ppks_types == {"Lanjut Usia Terlantar", "Fakir Miskin"}


def test_trail_holds_every_logged_event_about_the_person(world, dinsos):
    view_pages(dinsos, world)
    data = collect.collect(world.subject)
    entries = trail.trail(data)
    kinds = {e.kind for e in entries}
    assert kinds >= {"perubahan", "keputusan", "akses"}
    # Every access-log row naming her, her household, her case or her report is there.
    ids = {s.key: {str(pk) for pk in s.ids} for s in data.sections}
    about_her = [
        log
        for log in AccessLog.objects.all()
        if log.object_id and log.object_id in ids.get(log.object_type, set())
    ]
    assert len(about_her) >= 2  # her page and her household's page
    accesses = [e for e in entries if e.kind == "akses"]
    assert len(accesses) == len(about_her)
    # The view of the housemate's own page is not hers.
    assert not any(f"#{world.housemate.pk})" in e.what for e in accesses)
    # The change made by validating the report names the report as the reason.
    occupation = [e for e in entries if "Pedagang sayur" in e.details]
    assert occupation and occupation[0].why.startswith("laporan lapangan #")
    # Decisions: the report's verification and validation, the case opening.
    decisions = " | ".join(e.what for e in entries if e.kind == "keputusan")
    assert "Laporan #" in decisions and "Kasus #" in decisions and "Bedah Rumah #" in decisions


def test_download_json_and_pdf_are_logged_and_appear_in_the_next_export(world, dinsos):
    client = client_for(dinsos)
    url = reverse("pdp:request_data", args=[world.request.pk, "json"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    doc = json.loads(response.content)
    assert doc["subjek_data"]["nama"] == SUBJECT_NAME
    tables = {part["tabel"] for part in doc["data"]}
    assert tables == COVERED
    log = AccessLog.objects.filter(object_type="registry.person", action="ekspor").get()
    assert log.extra["pdp_request"] == world.request.pk

    pdf = client.get(reverse("pdp:request_data", args=[world.request.pk, "pdf"]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    again = json.loads(client.get(url).content)
    exports = [e for e in again["riwayat_pemrosesan"] if "Ekspor data" in e["apa"]]
    assert len(exports) == 2  # the JSON and the PDF before this one
    world.request.refresh_from_db()
    assert world.request.status == "diproses"
    assert world.request.steps.filter(action="ekspor").count() == 3
