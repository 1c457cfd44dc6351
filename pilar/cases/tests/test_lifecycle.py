"""The case lifecycle through the actions: open, assess, plan, results, visits
moving the due date, overdue listing, closure with each outcome."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from pilar.cases import actions
from pilar.cases.choices import CaseStatus, InterventionStatus, Outcome, StepAction
from pilar.cases.models import Case, CaseStep
from pilar.conftest import VILLAGE_A, make_user
from pilar.core.dates import today
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.ppks.actions import end_ppks_record
from pilar.programs.models import Program

from .helpers import days_ago, household_record, person_record

pytestmark = pytest.mark.django_db


def open_(record, dinsos, **kw):
    kw.setdefault("source", "laporan")
    return actions.open_case(record, acting_user=dinsos, **kw)


def test_full_lifecycle(dinsos, psm_a, settings):
    settings.PILAR_CASE_FOLLOWUP_DAYS = 30
    record = person_record(dinsos)
    case = open_(record, dinsos, intake_date=days_ago(40), notes="Laporan RT", assigned_to=psm_a)
    assert case.status == CaseStatus.INTAKE
    assert case.followup_days == 30
    assert case.next_due == days_ago(10)  # intake + 30 days
    assert case.assigned_to == psm_a

    actions.assess_case(case, acting_user=psm_a, needs=["ekonomi", "kesehatan"], notes="Sakit")
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSED
    assert case.needs == ["ekonomi", "kesehatan"]
    assert case.assessed_by == psm_a

    item = actions.add_intervention(
        case, acting_user=psm_a, kind="rujukan_rs", target="RSUD Kota Tangerang"
    )
    program = Program.objects.first()
    actions.add_intervention(case, acting_user=dinsos, kind="program", program=program)
    case.refresh_from_db()
    assert case.status == CaseStatus.PLAN
    assert case.interventions.count() == 2

    actions.record_intervention_result(
        item, acting_user=psm_a, status="selesai", result_note="Dirawat 3 hari"
    )
    case.refresh_from_db()
    item.refresh_from_db()
    assert item.status == InterventionStatus.DONE and item.done_on == today()
    assert case.status == CaseStatus.IN_PROGRESS

    # A visit moves the next due date to visit + interval.
    actions.record_visit(case, acting_user=psm_a, visited_on=days_ago(5), notes="Membaik",
                         latitude="-6.178306", longitude="106.631889")  # fmt: skip
    case.refresh_from_db()
    assert case.next_due == days_ago(5) + datetime.timedelta(days=30)
    # An older visit entered late does not pull it back.
    actions.record_visit(case, acting_user=dinsos, visited_on=days_ago(20), notes="Susulan")
    case.refresh_from_db()
    assert case.next_due == days_ago(5) + datetime.timedelta(days=30)
    assert str(case.visits.order_by("-visited_on").first().latitude) == "-6.178306"

    actions.close_case(case, acting_user=dinsos, outcome="terentaskan", note="Sudah bekerja")
    case.refresh_from_db()
    record.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.outcome == Outcome.RESOLVED
    assert case.closed_on == today() and case.next_due is None
    # The program item never done is cancelled with the closure.
    assert set(case.interventions.values_list("status", flat=True)) == {"selesai", "batal"}
    assert record.status == "selesai"
    assert record.end_reason == f"Terentaskan melalui penanganan kasus #{case.pk}"
    steps = list(CaseStep.objects.filter(case=case).values_list("action", "actor__username"))
    assert steps == [
        (StepAction.OPENED, "dinsos"),
        (StepAction.ASSIGNED, "dinsos"),
        (StepAction.ASSESSED, "psm-a"),
        (StepAction.PLANNED, "psm-a"),
        (StepAction.PLANNED, "dinsos"),
        (StepAction.INTERVENTION, "psm-a"),
        (StepAction.VISITED, "psm-a"),
        (StepAction.VISITED, "dinsos"),
        (StepAction.CLOSED, "dinsos"),
    ]


def test_case_history_is_tracked(dinsos):
    case = open_(person_record(dinsos), dinsos)
    actions.close_case(case, acting_user=dinsos, outcome="menolak", note="Tidak mau")
    events = case.events.order_by("pgh_id").values_list("pgh_label", "status")  # type: ignore[attr-defined]
    assert list(events)[-1] == ("update", "ditutup")


@pytest.mark.parametrize(
    ("outcome", "ends", "reason"),
    [
        ("terentaskan", True, "Terentaskan"),
        ("meninggal", True, "Meninggal dunia"),
        ("pindah", True, "Pindah domisili"),
        ("dirujuk", False, ""),
        ("menolak", False, ""),
    ],
)
def test_close_outcome_effect_on_record(dinsos, outcome, ends, reason):
    record = household_record(dinsos)
    case = open_(record, dinsos, intake_date=days_ago(10))
    actions.close_case(case, acting_user=dinsos, outcome=outcome, closed_on=days_ago(1), note="x")
    record.refresh_from_db()
    assert record.status == ("selesai" if ends else "aktif")
    if ends:
        assert record.end_reason.startswith(reason)
        assert record.ended_on == days_ago(1)
    else:
        assert record.ended_on is None
        # The need stands: a new case may be opened.
        assert open_(record, dinsos).pk != case.pk


def test_closing_ended_record_keeps_its_end(dinsos):
    record = person_record(dinsos)
    case = open_(record, dinsos)
    end_ppks_record(record, acting_user=dinsos, reason="Salah catat")
    actions.close_case(case, acting_user=dinsos, outcome="terentaskan")
    record.refresh_from_db()
    assert record.end_reason == "Salah catat"


def test_overdue(dinsos):
    late = open_(person_record(dinsos), dinsos, intake_date=days_ago(40), followup_days=30)
    fresh = open_(person_record(dinsos), dinsos, intake_date=days_ago(5), followup_days=30)
    closed = open_(person_record(dinsos), dinsos, intake_date=days_ago(90), followup_days=30)
    actions.close_case(closed, acting_user=dinsos, outcome="menolak", note="x")
    assert list(Case.objects.overdue().values_list("pk", flat=True)) == [late.pk]
    assert late.is_overdue and not fresh.is_overdue
    actions.record_visit(late, acting_user=dinsos, notes="Dikunjungi")
    assert not Case.objects.overdue().exists()


# Refusals ------------------------------------------------------------------------


def errors_of(call) -> dict:
    with pytest.raises(InvalidInput) as exc:
        call()
    return exc.value.errors


def test_second_open_case_refused(dinsos):
    record = person_record(dinsos)
    open_(record, dinsos)
    errors = errors_of(lambda: open_(record, dinsos))
    assert "sudah memiliki penanganan" in errors["__all__"][0]
    assert Case.objects.filter(record=record).count() == 1


def test_open_on_ended_record_refused(dinsos):
    record = person_record(dinsos)
    end_ppks_record(record, acting_user=dinsos, reason="Pindah")
    assert "__all__" in errors_of(lambda: open_(record, dinsos))


def test_open_needs_source_and_sane_dates(dinsos):
    record = person_record(dinsos, found=days_ago(10))
    errors = errors_of(
        lambda: actions.open_case(
            record, acting_user=dinsos, source="", intake_date=days_ago(11), followup_days=0
        )
    )
    assert set(errors) == {"intake_source", "intake_date", "followup_days"}


def test_assign_worker_from_other_area_refused(dinsos, psm_b, tksk_a, psm_a):
    record = person_record(dinsos)  # kelurahan A
    case = open_(record, dinsos)
    errors = errors_of(lambda: actions.assign_case(case, acting_user=dinsos, worker=psm_b))
    assert errors["assigned_to"] == [actions.MSG_NO_WORKER]
    pimpinan = make_user("pimpinan2", "pimpinan")
    assert "assigned_to" in errors_of(
        lambda: actions.assign_case(case, acting_user=dinsos, worker=pimpinan)
    )
    # The TKSK of the kecamatan and the PSM of the kelurahan are accepted.
    actions.assign_case(case, acting_user=dinsos, worker=tksk_a)
    actions.assign_case(case, acting_user=dinsos, worker=psm_a)
    case.refresh_from_db()
    assert case.assigned_to == psm_a
    # Also refused when opening.
    other = person_record(dinsos)
    assert "assigned_to" in errors_of(lambda: open_(other, dinsos, assigned_to=psm_b))
    assert not Case.objects.filter(record=other).exists()


def test_close_without_outcome_refused(dinsos):
    case = open_(person_record(dinsos), dinsos)
    assert "outcome" in errors_of(lambda: actions.close_case(case, acting_user=dinsos, outcome=""))
    assert "closure_note" in errors_of(
        lambda: actions.close_case(case, acting_user=dinsos, outcome="dirujuk")
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.INTAKE


def test_steps_on_closed_case_refused(dinsos):
    case = open_(person_record(dinsos), dinsos)
    actions.assess_case(case, acting_user=dinsos, needs=["pangan"])
    item = actions.add_intervention(case, acting_user=dinsos, kind="bantuan", target="Sembako")
    actions.close_case(case, acting_user=dinsos, outcome="menolak", note="Menolak")
    for call in (
        lambda: actions.record_visit(case, acting_user=dinsos, notes="x"),
        lambda: actions.assess_case(case, acting_user=dinsos, needs=["pangan"]),
        lambda: actions.add_intervention(case, acting_user=dinsos, kind="bantuan", target="x"),
        lambda: actions.close_case(case, acting_user=dinsos, outcome="menolak", note="x"),
        lambda: actions.record_intervention_result(
            item, acting_user=dinsos, status="selesai", result_note="x"
        ),
    ):
        assert "Penanganan ini sudah ditutup." in errors_of(call)["__all__"]
    assert case.visits.count() == 0


def test_plan_needs_assessment_and_target(dinsos):
    case = open_(person_record(dinsos), dinsos)
    assert "__all__" in errors_of(
        lambda: actions.add_intervention(case, acting_user=dinsos, kind="konseling", target="LK3")
    )
    actions.assess_case(case, acting_user=dinsos, needs=["psikososial"])
    errors = errors_of(lambda: actions.add_intervention(case, acting_user=dinsos, kind="program"))
    assert "program" in errors
    assert "target" in errors_of(
        lambda: actions.add_intervention(case, acting_user=dinsos, kind="konseling")
    )


def test_visit_validation(dinsos):
    case = open_(person_record(dinsos), dinsos, intake_date=days_ago(3))
    errors = errors_of(
        lambda: actions.record_visit(
            case,
            acting_user=dinsos,
            visited_on=today() + datetime.timedelta(days=1),
            notes="",
            latitude="abc",
        )
    )
    assert set(errors) == {"visited_on", "notes", "latitude"}
    assert "visited_on" in errors_of(
        lambda: actions.record_visit(case, acting_user=dinsos, visited_on=days_ago(4), notes="x")
    )


def test_roles(dinsos, psm_a, tksk_a, psm_b):
    record = person_record(dinsos, VILLAGE_A)
    # Field workers do not open or close cases.
    with pytest.raises(PermissionDenied):
        open_(record, psm_a)
    case = open_(record, dinsos, assigned_to=psm_a)
    with pytest.raises(PermissionDenied):
        actions.close_case(case, acting_user=psm_a, outcome="terentaskan")
    with pytest.raises(PermissionDenied):
        actions.assign_case(case, acting_user=psm_a, worker=psm_a)
    # The TKSK of the area is not the assigned worker: no visits.
    with pytest.raises(PermissionDenied):
        actions.record_visit(case, acting_user=tksk_a, notes="x")
    # Out of area: NotAllowed (404) before the role.

    with pytest.raises(NotAllowed):
        actions.record_visit(case, acting_user=psm_b, notes="x")
    actions.record_visit(case, acting_user=psm_a, notes="Dikunjungi")
    assert case.visits.count() == 1
