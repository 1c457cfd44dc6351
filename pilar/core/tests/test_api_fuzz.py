"""Schemathesis over the whole OpenAPI document, in-process (WSGI), as a Dinas Sosial
operator and as a PSM: no request may answer 5xx, and every answer must match the
document (status code and body).

Select with `-m fuzz`. Bounded: few examples per operation, derandomized, so the run
is the same every time and takes a few minutes on a 2-core machine."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from pilar.accounts.models import ApiToken
from pilar.api import api
from pilar.conftest import VILLAGE_A, make_household
from pilar.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
MAX_EXAMPLES = 15

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application


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


@pytest.fixture
def data(dinsos):
    return make_household(dinsos, VILLAGE_A)


def _call(case, key: str) -> None:
    # Each request in a savepoint rolled back afterwards: a failed query cannot poison
    # the test's transaction for the cases after it.
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


# Per operation and persona: schemathesis' coverage and example cases, then this many
# generated ones. ~170 operation-persona pairs run in about two minutes.
FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_api_as_dinsos(case, dinsos, data, wsgi_in_test_transaction):
    _call(case, ApiToken.issue(dinsos)[1])


@schema.parametrize()
@FUZZ
def test_api_as_psm(case, psm_a, data, wsgi_in_test_transaction):
    _call(case, ApiToken.issue(psm_a)[1])
