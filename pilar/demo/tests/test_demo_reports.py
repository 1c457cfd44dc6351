import pytest

from pilar.accounts.models import User
from pilar.conftest import make_household
from pilar.demo.reports import seed_demo_reports
from pilar.demo.users import ensure_demo_users
from pilar.regions.deployment import villages
from pilar.submissions.models import Submission

pytestmark = pytest.mark.django_db


def test_demo_reports_cover_the_chain():

    ensure_demo_users("demo-12345")
    dinsos = User.objects.get(username="dinsos")
    village = villages().first()
    for i in range(5):
        make_household(dinsos, village.code, address=f"Jl. Demo {i}")
    assert seed_demo_reports() == 5
    statuses = sorted(Submission.objects.values_list("status", flat=True))
    assert statuses == ["diajukan", "diajukan", "dikembalikan", "divalidasi", "diverifikasi"]
    assert seed_demo_reports() == 0  # once only
