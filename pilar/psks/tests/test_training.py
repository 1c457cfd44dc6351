"""Training events: invitations by role and area, materials, questions, scores, the
organiser's list, certificates (numbers, reuse refused, PDF, public check) and the
list of workers not yet trained."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilar.core.errors import InvalidInput, NotAllowed
from pilar.psks.models import Attendance, Participant, TrainingEvent
from pilar.psks.tests.conftest import make_worker
from pilar.psks.tests.factories import make_event
from pilar.psks.training import (
    add_material,
    invite,
    issue_certificate,
    issue_certificates,
    parse_questions,
    record_scores,
    set_questions,
    tick_attendance,
    untrained_workers,
)

START = datetime.date(2026, 11, 2)


@pytest.fixture
def everyone(worker_a, worker_a2, worker_b, tksk_worker_a):
    return [worker_a, worker_a2, worker_b, tksk_worker_a]


def test_event_dates_and_budget_are_checked(dinsos):
    with pytest.raises(InvalidInput) as info:
        make_event(dinsos, starts_on=START, ends_on="2026-11-01", budget="1,5,0")
    assert "ends_on" in info.value.errors and "budget" in info.value.errors
    assert not TrainingEvent.objects.exists()
    event = make_event(dinsos, starts_on=START, days=3)
    assert event.budget == 150_000_000
    assert event.days == [
        START,
        START + datetime.timedelta(days=1),
        START + datetime.timedelta(days=2),
    ]


def test_only_dinas_sosial_runs_events(tksk_a):
    with pytest.raises(NotAllowed):
        make_event(tksk_a, starts_on=START)


def test_invite_by_role_and_area_in_one_step(dinsos, everyone):
    event = make_event(dinsos, starts_on=START)
    assert invite(event, acting_user=dinsos, types=["11"]) == 1
    assert invite(event, acting_user=dinsos, types=["2"], district="36.71.01") == 2
    # Again, city-wide: only the one not yet invited is added.
    assert invite(event, acting_user=dinsos, types=["2", "11"]) == 1
    assert event.participants.count() == 4
    with pytest.raises(InvalidInput):
        invite(event, acting_user=dinsos, types=["5"])


def test_inactive_workers_are_not_invited(dinsos):
    make_worker(dinsos, name="Sudah Berhenti", active_until="2026-06-30")
    event = make_event(dinsos, starts_on=START)
    assert invite(event, acting_user=dinsos, types=["2"]) == 0


def test_material_type_and_size(dinsos):
    event = make_event(dinsos, starts_on=START)
    with pytest.raises(InvalidInput):
        add_material(
            event, acting_user=dinsos, title="Skrip", upload=SimpleUploadedFile("x.exe", b"MZ")
        )
    material = add_material(
        event,
        acting_user=dinsos,
        title="",
        upload=SimpleUploadedFile("modul-ppks.pdf", b"%PDF-1.4 x"),
    )
    assert material.title == "modul-ppks.pdf" and material.size == 10


def test_questions_are_parsed_with_one_right_answer(dinsos):
    event = make_event(dinsos, starts_on=START)
    text = (
        "1. Siapa yang memverifikasi laporan PSM?\na. Lurah\n*b. TKSK\nc. Kemensos\n\n"
        "2) Berapa jenis PPKS?\n*a. 26\nb. 12\n"
    )
    assert set_questions(event, acting_user=dinsos, text=text) == 2
    first = event.questions.get(number=1)
    assert first.options == ["Lurah", "TKSK", "Kemensos"] and first.answer == 2
    with pytest.raises(InvalidInput) as info:
        parse_questions("1. Tanpa jawaban\na. satu\nb. dua")
    assert "tepat satu jawaban" in info.value.errors["questions"][0]


def test_scores_are_0_to_100_and_all_or_nothing(dinsos, everyone):
    event = make_event(dinsos, starts_on=START)
    invite(event, acting_user=dinsos, types=["2"])
    a, b = list(event.participants.order_by("pk"))[:2]
    with pytest.raises(InvalidInput):
        record_scores(event, acting_user=dinsos, scores={a.pk: {"pre": "60"}, b.pk: {"pre": "120"}})
    assert not event.participants.filter(pre_score__isnull=False).exists()
    assert (
        record_scores(event, acting_user=dinsos, scores={a.pk: {"pre": "60", "post": "85,5"}}) == 1
    )
    a.refresh_from_db()
    assert (a.pre_score, str(a.post_score)) == (60, "85.5")
    other = make_event(dinsos, starts_on=START, title="Lain")
    with pytest.raises(InvalidInput):
        record_scores(other, acting_user=dinsos, scores={a.pk: {"pre": "50"}})


def _attend_all(event, dinsos):
    ids = list(event.participants.values_list("pk", flat=True))
    for day in event.days:
        tick_attendance(event, acting_user=dinsos, day=day, present=ids, shown=ids)


def test_tick_outside_the_days_is_refused(dinsos, everyone):
    event = make_event(dinsos, starts_on=START)
    invite(event, acting_user=dinsos, types=["2"])
    ids = list(event.participants.values_list("pk", flat=True))
    with pytest.raises(InvalidInput):
        tick_attendance(event, acting_user=dinsos, day="2026-12-25", present=ids, shown=ids)
    assert not Attendance.objects.exists()


def test_certificates_for_full_attendance_numbered_once(dinsos, everyone):
    event = make_event(dinsos, starts_on=START, days=2)
    invite(event, acting_user=dinsos, types=["2"])
    ids = list(event.participants.values_list("pk", flat=True))
    _attend_all(event, dinsos)
    # One participant misses day 2.
    tick_attendance(event, acting_user=dinsos, day=event.days[1], present=ids[1:], shown=ids)
    n = issue_certificates(event, acting_user=dinsos, pattern="400.9/{n}/PLT/2026", first="7")
    assert n == 2
    numbers = set(
        event.participants.exclude(certificate_number=None).values_list(
            "certificate_number", flat=True
        )
    )
    assert numbers == {"400.9/0007/PLT/2026", "400.9/0008/PLT/2026"}
    # A second event numbered over the same range is refused, nothing written.
    second = make_event(dinsos, starts_on=START, title="Bimtek kedua")
    invite(second, acting_user=dinsos, types=["2"])
    _attend_all(second, dinsos)
    with pytest.raises(InvalidInput) as info:
        issue_certificates(second, acting_user=dinsos, pattern="400.9/{n}/PLT/2026", first="8")
    assert "sudah dipakai" in info.value.errors["first"][0]
    assert not second.participants.exclude(certificate_number=None).exists()
    # A typed number already used is refused too.
    late = event.participants.get(pk=ids[0])
    with pytest.raises(InvalidInput):
        issue_certificate(late, acting_user=dinsos, number="400.9/0007/PLT/2026")


def test_certificate_pdf_and_public_check(client, dinsos, everyone):
    event = make_event(dinsos, starts_on=START, days=1)
    invite(event, acting_user=dinsos, types=["2"], village="36.71.01.1001")
    _attend_all(event, dinsos)
    issue_certificates(event, acting_user=dinsos, pattern="SRT/{n}/2026")
    participant = Participant.objects.get(event=event)
    client.force_login(dinsos)
    pdf = client.get(f"/psks/pelatihan/{event.pk}/sertifikat/{participant.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    client.logout()
    page = client.get(f"/sertifikat/{participant.certificate_token}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert participant.worker.name in text and event.title in text
    # Name, event and date only: no number, no area, no phone.
    assert "SRT/0001/2026" not in text and participant.worker.phone not in text
    assert client.get("/sertifikat/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_untrained_list_by_area(dinsos, tksk_a, everyone):
    event = make_event(dinsos, starts_on=START, days=1)
    invite(event, acting_user=dinsos, types=["2"], village="36.71.01.1001")
    _attend_all(event, dinsos)
    issue_certificates(event, acting_user=dinsos, pattern="D/{n}")
    names = set(
        untrained_workers(dinsos, on=datetime.date(2026, 12, 1)).values_list("name", flat=True)
    )
    assert names == {"Rudi Hartono", "Dewi Lestari", "Agus Salim"}
    names = set(
        untrained_workers(tksk_a, on=datetime.date(2026, 12, 1)).values_list("name", flat=True)
    )
    assert names == {"Rudi Hartono", "Agus Salim"}


def test_a_non_basic_training_does_not_count(dinsos, everyone):
    event = make_event(dinsos, starts_on=START, days=1, topic="aplikasi", title="Aplikasi lapangan")
    assert not event.is_basic
    invite(event, acting_user=dinsos, types=["2", "11"])
    _attend_all(event, dinsos)
    issue_certificates(event, acting_user=dinsos, pattern="A/{n}")
    assert untrained_workers(dinsos, on=datetime.date(2026, 12, 1)).count() == 4
