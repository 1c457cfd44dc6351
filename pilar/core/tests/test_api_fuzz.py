"""Schemathesis over the whole OpenAPI document, in-process (WSGI), as a Dinas Sosial
operator and as a PSM: no request may answer 5xx, and every answer must match the
document (status code and body).

The data is the demo's (`pilar demo`'s seeding on a few hundred households: field
reports at every verification stage, assessments, Bedah Rumah renovations), committed
once for the module and flushed at its end. A generated case whose path is valid gets
the id of a real record for its path parameters, so the endpoints run their real work
and not only their "not found"; invalid paths keep what the fuzzer made of them.

Selected with `-m fuzz` (left out with `-m "not fuzz"`). Bounded and deterministic:
`derandomize`, no example database, MAX_EXAMPLES generated cases per operation and
persona on top of schemathesis' coverage and example cases; each request runs in a
savepoint rolled back afterwards, so every case sees the same data and one failed
statement cannot poison the test's transaction for the cases after it."""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode

from pilar.accounts.models import ApiToken, User
from pilar.api import api
from pilar.cases import actions
from pilar.cases.models import Case, Intervention
from pilar.conftest import restore_reference_data
from pilar.demo.assessments import seed as seed_assessments
from pilar.demo.renovations import seed as seed_renovations
from pilar.demo.reports import seed_demo_reports
from pilar.demo.seeding import seed_households
from pilar.demo.users import ensure_demo_users, psm_username
from pilar.ppks.choices import RecordStatus
from pilar.ppks.models import PpksRecord
from pilar.programs.models import Enrollment, Program
from pilar.psks.models import PsksWorker, TrainingEvent
from pilar.registry.identity import province_codes
from pilar.registry.models import Household, Person
from pilar.renovations.models import Renovation
from pilar.submissions.models import Notification, Submission
from pilar.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
# ~170 operation-persona pairs, ~11,000 requests: about two minutes on 2 cores.
MAX_EXAMPLES = 15
HOUSEHOLDS = 300

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application


def _seed_demo() -> None:

    ensure_demo_users("fuzz-password-2026")
    seed_households(HOUSEHOLDS, seed=2026)
    seed_demo_reports()
    seed_assessments()
    seed_renovations()
    _seed_cases()


def _seed_cases() -> None:
    """The demo has no case handling: a few cases, one with an assessment and a plan."""

    dinsos = User.objects.get(username="dinsos")
    village = Submission.objects.order_by("pk").values_list("village_id", flat=True)[0]
    records = PpksRecord.objects.filter(
        household__village_id=village, status=RecordStatus.ACTIVE, ppks_type__is_restricted=False
    ).order_by("pk")[:3]
    for index, record in enumerate(records):
        case = actions.open_case(record, acting_user=dinsos, source="kunjungan")
        if index == 0:
            case = actions.assess_case(case, acting_user=dinsos, needs=["pangan"])
            actions.add_intervention(
                case, acting_user=dinsos, kind="rujukan_lks", target="LKS Harapan"
            )


def _ids(psm) -> dict[str, list[int]]:
    """Real ids per path parameter, inside the PSM's kelurahan where the data has an
    area (so both personas reach them)."""

    def first(qs, n: int = 5) -> list[int]:
        return list(qs.order_by("pk").values_list("pk", flat=True)[:n])

    village = psm.village_id
    return {
        "household_id": first(Household.objects.filter(village_id=village)),
        "person_id": first(Person.objects.filter(household__village_id=village)),
        "record_id": first(PpksRecord.objects.filter(household__village_id=village)),
        "report_id": first(Submission.objects.filter(village_id=village), 10),
        "notification_id": first(Notification.objects.filter(user=psm)),
        "program_id": first(Program.objects.all(), 10),
        "enrollment_id": first(Enrollment.objects.all(), 10),
        "renovation_id": first(Renovation.objects.all(), 10),
        "case_id": first(Case.objects.all()),
        "item_id": first(Intervention.objects.all()),
        "worker_id": first(PsksWorker.objects.filter(village_id=village)),
        "event_id": first(TrainingEvent.objects.all()),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):

    with django_db_blocker.unblock():
        _seed_demo()
        # The PSM of the kelurahan the demo reports are in.
        village = Submission.objects.order_by("pk").values_list("village_id", flat=True)[0]
        psm = User.objects.get(username=psm_username(village))
        dinsos = User.objects.get(username="dinsos")
        data = {
            "ids": _ids(psm),
            "dinsos": ApiToken.issue(dinsos)[1],
            "psm": ApiToken.issue(psm)[1],
        }
    yield data

    # As after any committed test (pilar/conftest.py): empty every table, then reload
    # the reference data (regions, PPKS types) the migrations put there.
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        restore_reference_data()
    province_codes.cache_clear()


@pytest.fixture
def wsgi_in_test_transaction():
    # Django's WSGI handler closes "old" connections around every request; inside the
    # test's transaction that is the test's own connection. Django's test client
    # disconnects the same receivers.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _real_path_ids(case, ids: dict[str, list[int]]) -> None:
    component = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
    if component is None or component.mode != GenerationMode.POSITIVE:
        return
    for name in list(case.path_parameters or {}):
        choices = ids.get(name)
        if choices:
            # Deterministic: the same case always gets the same record.
            pick = zlib.crc32(repr(case.path_parameters[name]).encode()) % len(choices)
            case.path_parameters[name] = choices[pick]


def _call(case, key: str, ids: dict[str, list[int]]) -> None:
    _real_path_ids(case, ids)
    sid = transaction.savepoint()
    try:
        # identity: the WSGI test client does not undo a gzipped answer (the field app's
        # package is gzipped for clients that accept it), and the checks read the body.
        response = case.call(
            headers={"Authorization": f"Bearer {key}", "Accept-Encoding": "identity"}
        )
    finally:
        transaction.savepoint_rollback(sid)
    case.validate_response(response, checks=CHECKS)


FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_api_as_dinsos(case, demo, wsgi_in_test_transaction):
    _call(case, demo["dinsos"], demo["ids"])


@schema.parametrize()
@FUZZ
def test_api_as_psm(case, demo, wsgi_in_test_transaction):
    _call(case, demo["psm"], demo["ids"])
